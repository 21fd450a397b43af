package dev.promptlab.task.builtin.wordnet;

import dev.promptlab.task.TaskKind;
import dev.promptlab.task.Template;

import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * How one built-in task is made: its name, kind, metric, a one-sentence instruction that truly
 * describes it and paraphrases of that instruction (true descriptions for the waywardness
 * study), the task whose instruction serves as its contradictory instruction (for the
 * waywardness study), its template and labels, and the extractor that reads examples from
 * WordNet.
 *
 * @param metric "accuracy" for classification; "exact_match" or "bleu" (with ROUGE-L) for generation
 * @param instruction the task's instruction; the built-in models read it in their pretraining
 *     episodes, so changing it changes their data
 * @param paraphrases at least two other one-sentence descriptions of the same task, distinct from
 *     the instruction and from each other; only the waywardness study reads them
 * @param contradictsWith name of a different task whose instruction contradicts this one
 */
public record TaskSpec(String name, TaskKind kind, String metric, String instruction, List<String> paraphrases,
        String contradictsWith, Template template, List<String> labels, Function<WordNet, List<Item>> extractor) {

    private static final Set<String> METRICS = Set.of("accuracy", "exact_match", "bleu");

    public TaskSpec {
        labels = List.copyOf(labels);
        paraphrases = List.copyOf(paraphrases);
        if (!name.matches("[a-z][a-z-]*")) {
            throw new IllegalArgumentException("task name '" + name + "' must be lower-case letters and dashes");
        }
        if (!METRICS.contains(metric)) {
            throw new IllegalArgumentException("task " + name + ": metric '" + metric + "' is not one of " + METRICS);
        }
        if ((kind == TaskKind.CLASSIFICATION) != !labels.isEmpty()) {
            throw new IllegalArgumentException("task " + name + ": classification needs labels, generation none");
        }
        if ((kind == TaskKind.CLASSIFICATION) != metric.equals("accuracy")) {
            throw new IllegalArgumentException("task " + name + ": accuracy is the metric of classification tasks only");
        }
        if (contradictsWith.equals(name)) {
            throw new IllegalArgumentException("task " + name + " cannot contradict itself");
        }
        requireOneSentence(name, "the instruction", instruction);
        if (paraphrases.size() < 2) {
            throw new IllegalArgumentException("task " + name + ": needs at least 2 paraphrases of its instruction, got "
                    + paraphrases.size());
        }
        for (String p : paraphrases) {
            requireOneSentence(name, "paraphrase \"" + p + "\"", p);
        }
        if (Set.copyOf(paraphrases).size() != paraphrases.size() || paraphrases.contains(instruction)) {
            throw new IllegalArgumentException("task " + name + ": paraphrases must differ from each other and from the"
                    + " instruction, got " + paraphrases);
        }
        if (!template.target("").equals(" ")) {
            throw new IllegalArgumentException("task " + name + ": the template must put one space before {output}"
                    + " (ICL layouts rely on it), got \"" + template.pattern() + "\"");
        }
    }

    private static void requireOneSentence(String task, String what, String text) {
        if (!text.endsWith(".") || text.indexOf('.') != text.length() - 1) {
            throw new IllegalArgumentException("task " + task + ": " + what + " must be one sentence ending in '.'");
        }
    }
}
