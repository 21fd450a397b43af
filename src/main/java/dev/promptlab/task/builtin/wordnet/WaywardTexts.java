package dev.promptlab.task.builtin.wordnet;

import dev.promptlab.task.Example;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The built-in target texts of the waywardness study for one built-in task, as plain text: the
 * analysis layer tokenizes them for a model and cuts the unrelated ones to length.
 */
public final class WaywardTexts {
    /**
     * Noun categories (WordNet lexicographer files) that no built-in task asks about: neither a
     * label of {@code topic} or {@code verb-topic} nor an adjective of {@code polarity}.
     */
    static final Set<String> UNRELATED_CATEGORIES = Set.of("location", "time", "quantity", "phenomenon", "shape",
            "object");
    /** Function words a text may share with a task's description and still say nothing about the task. */
    private static final Set<String> FUNCTION_WORDS = Set.of("a", "an", "the", "of", "or", "and", "to", "in", "on",
            "at", "by", "for", "with", "as", "is", "it", "its", "that", "which", "one", "be", "from", "into");

    private WaywardTexts() {}

    /**
     * Contradictory instructions: the instructions of every built-in task of the other kind (a
     * classification task is told to write a word, a generation task to pick a label), the task's
     * designated contradiction ({@link TaskSpec#contradictsWith()}) first, then registry order.
     */
    public static List<String> contradictory(String task) {
        TaskSpec spec = BuiltinTasks.spec(task);
        List<String> out = new ArrayList<>();
        out.add(BuiltinTasks.spec(spec.contradictsWith()).instruction());
        for (String other : BuiltinTasks.names()) {
            TaskSpec o = BuiltinTasks.spec(other);
            if (o.kind() != spec.kind() && !other.equals(spec.contradictsWith())) {
                out.add(o.instruction());
            }
        }
        return List.copyOf(out);
    }

    /** True descriptions: the task's instruction, then its paraphrases. */
    public static List<String> trueDescriptions(String task) {
        TaskSpec spec = BuiltinTasks.spec(task);
        List<String> out = new ArrayList<>();
        out.add(spec.instruction());
        out.addAll(spec.paraphrases());
        return List.copyOf(out);
    }

    /**
     * Definitions unrelated to the task, in WordNet order: nouns of {@link #UNRELATED_CATEGORIES},
     * never an input of the task (in any split), and sharing no word but {@link #FUNCTION_WORDS}
     * with the task's instruction, paraphrases and labels.
     */
    public static List<String> unrelatedGlosses(String task) {
        TaskSpec spec = BuiltinTasks.spec(task);
        Set<String> taskWords = new HashSet<>();
        trueDescriptions(task).forEach(t -> taskWords.addAll(words(t)));
        spec.labels().forEach(l -> taskWords.addAll(words(l)));
        taskWords.removeAll(FUNCTION_WORDS);
        Set<String> inputs = new HashSet<>();
        for (Split s : Split.values()) {
            BuiltinTasks.get(task).examples(s).stream().map(Example::input).forEach(inputs::add);
        }
        List<String> out = new ArrayList<>();
        for (WordNet.Synset s : WordNet.get().synsets()) {
            String d = s.definition();
            if (s.pos().equals("noun") && UNRELATED_CATEGORIES.contains(s.category()) && !d.isBlank()
                    && !inputs.contains(d) && words(d).stream().noneMatch(taskWords::contains)) {
                out.add(d);
            }
        }
        return List.copyOf(out);
    }

    /** Lower-case runs of letters. */
    static List<String> words(String text) {
        List<String> out = new ArrayList<>();
        for (String w : text.toLowerCase(Locale.ROOT).split("[^a-z]+")) {
            if (!w.isEmpty()) {
                out.add(w);
            }
        }
        return out;
    }
}
