package dev.promptlab.task;

import java.util.List;

/**
 * Whether a dataset is classification (outputs from a fixed label set, scored by verbalizer) or
 * generation (free text, scored by decoding), and with which labels.
 */
public enum TaskKind {
    CLASSIFICATION, GENERATION;

    /** Most distinct outputs that {@code auto} still takes for a label set. */
    public static final int MAX_AUTO_LABELS = 32;

    public static TaskKind parse(String s) {
        switch (s.toLowerCase()) {
            case "classification": return CLASSIFICATION;
            case "generation": return GENERATION;
            default:
                throw new IllegalArgumentException("unknown task type '" + s + "' (allowed: auto, classification, generation)");
        }
    }

    /**
     * The label set: {@code explicit} when given; otherwise, for {@code requested} = null
     * ("auto"), the distinct outputs when they look like labels (at most {@value #MAX_AUTO_LABELS},
     * each seen twice on average), else none (generation).
     */
    public static List<String> resolveLabels(List<String> explicit, TaskKind requested, List<Example> examples) {
        if (explicit != null && !explicit.isEmpty()) {
            if (requested == GENERATION) {
                throw new IllegalArgumentException("--labels was given but the task type is generation");
            }
            return explicit;
        }
        if (requested == GENERATION) {
            return List.of();
        }
        List<String> distinct = Task.distinctOutputs(examples);
        boolean looksLikeLabels = distinct.size() >= 2 && distinct.size() <= MAX_AUTO_LABELS
                && distinct.size() * 2 <= examples.size();
        if (requested == CLASSIFICATION || looksLikeLabels) {
            if (distinct.size() < 2) {
                throw new IllegalArgumentException("classification needs at least two labels; the data has only "
                        + distinct);
            }
            return distinct;
        }
        return List.of();
    }
}
