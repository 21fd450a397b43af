package dev.promptlab.task.builtin.wordnet;

import dev.promptlab.task.TaskKind;
import dev.promptlab.task.Template;

import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * How one built-in task is made: its name, kind, metric, a one-sentence instruction that truly
 * describes it, the task whose instruction serves as its contradictory instruction (for the
 * waywardness study), its template and labels, and the extractor that reads examples from
 * WordNet.
 *
 * @param metric "accuracy" for classification; "exact_match" or "bleu" (with ROUGE-L) for generation
 * @param contradictsWith name of a different task whose instruction contradicts this one
 */
public record TaskSpec(String name, TaskKind kind, String metric, String instruction, String contradictsWith,
        Template template, List<String> labels, Function<WordNet, List<Item>> extractor) {

    private static final Set<String> METRICS = Set.of("accuracy", "exact_match", "bleu");

    public TaskSpec {
        labels = List.copyOf(labels);
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
        if (!instruction.endsWith(".") || instruction.indexOf('.') != instruction.length() - 1) {
            throw new IllegalArgumentException("task " + name + ": the instruction must be one sentence ending in '.'");
        }
        if (!template.target("").equals(" ")) {
            throw new IllegalArgumentException("task " + name + ": the template must put one space before {output}"
                    + " (ICL layouts rely on it), got \"" + template.pattern() + "\"");
        }
    }
}
