package dev.promptlab.study;

import java.util.Arrays;
import java.util.List;

/**
 * The methods the ICL study compares (Sun et al. 2023): in-context learning with random,
 * BM25-retrieved or embedding-retrieved demonstrations, prompt tuning, and instruction prompt
 * tuning with demonstrations retrieved per input or one fixed set for every input.
 */
public enum IclMethod {
    /** [demos][x], k demonstrations drawn at random (seeded) from the training examples. */
    ICL_RANDOM("icl-random", false, "k random training examples, then the input; nothing trained"),
    /** [demos][x], the k training examples whose inputs score highest under BM25. */
    ICL_BM25("icl-bm25", false, "the k training examples nearest by BM25, then the input; nothing trained"),
    /** [demos][x], the k training examples nearest by the frozen model's mean-hidden-state cosine. */
    ICL_EMBEDDING("icl-embedding", false, "the k training examples nearest by embedding cosine, then the input; nothing trained"),
    /** [prompt][x]: a trained soft prompt, no demonstrations. */
    PT("pt", true, "a trained soft prompt, then the input"),
    /** [prompt][demos][x]: a soft prompt trained with demonstrations retrieved per input. */
    IPT("ipt", true, "a soft prompt trained with k demonstrations retrieved per input (never the input itself)"),
    /** [prompt][fixed demos][x]: a soft prompt trained with one fixed set of demonstrations (Med-PaLM). */
    IPT_FIXED("ipt-fixed", true, "a soft prompt trained with one fixed set of k demonstrations for every input");

    private final String label;
    private final boolean trained;
    private final String description;

    IclMethod(String label, boolean trained, String description) {
        this.label = label;
        this.trained = trained;
        this.description = description;
    }

    /** The name on the command line and in files. */
    public String label() {
        return label;
    }

    /** Whether a soft prompt is trained (one per seed, all seeds in one batch). */
    public boolean trained() {
        return trained;
    }

    public String description() {
        return description;
    }

    /** Whether demonstrations are shown (every method but PT). */
    public boolean usesDemonstrations() {
        return this != PT;
    }

    /** Whether the seed changes the outcome: trained prompts and random demonstrations; retrieval is deterministic. */
    public boolean seeded() {
        return trained || this == ICL_RANDOM;
    }

    /** The method called {@code name}; fails naming the allowed names. */
    public static IclMethod byLabel(String name) {
        for (IclMethod m : values()) {
            if (m.label.equals(name)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown method '" + name + "'; allowed: " + String.join(", ", labels()));
    }

    public static List<String> labels() {
        return Arrays.stream(values()).map(IclMethod::label).toList();
    }
}
