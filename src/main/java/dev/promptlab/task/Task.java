package dev.promptlab.task;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A dataset with how to render it and, for classification, the label set. A task is a
 * classification task exactly when it has labels: outputs then come from that fixed set and are
 * scored by verbalizer (lowest mean NLL wins); otherwise outputs are free text scored by
 * generation (exact match).
 *
 * @param name shown in results
 * @param examples the examples
 * @param template how to render one
 * @param labels the label words, or empty for free-text outputs
 */
public record Task(String name, List<Example> examples, Template template, List<String> labels) {

    public Task {
        examples = List.copyOf(examples);
        labels = List.copyOf(labels);
        if (examples.isEmpty()) {
            throw new IllegalArgumentException("task '" + name + "' has no examples");
        }
        if (!labels.isEmpty()) {
            Set<String> allowed = Set.copyOf(labels);
            if (allowed.size() != labels.size()) {
                throw new IllegalArgumentException("task '" + name + "': duplicate labels in " + labels);
            }
            for (int i = 0; i < examples.size(); i++) {
                String out = examples.get(i).output();
                if (!allowed.contains(out)) {
                    throw new IllegalArgumentException("task '" + name + "': example " + (i + 1) + " has output \""
                            + out + "\" which is not one of the labels " + labels);
                }
            }
        }
    }

    public boolean isClassification() {
        return !labels.isEmpty();
    }

    /** The distinct outputs in order of first appearance: the default label set. */
    public static List<String> distinctOutputs(List<Example> examples) {
        Set<String> seen = new LinkedHashSet<>();
        for (Example e : examples) {
            seen.add(e.output());
        }
        return new ArrayList<>(seen);
    }

    public int labelIndex(String output) {
        return labels.indexOf(output);
    }
}
