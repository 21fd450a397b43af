package dev.promptlab.study;

import java.util.Arrays;
import java.util.List;

/** How IPT and the transfer matrix retrieve demonstrations: at random, by BM25, or by embedding cosine. */
public enum IclRetrieval {
    RANDOM("random"), BM25("bm25"), EMBEDDING("embedding");

    private final String label;

    IclRetrieval(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** The ICL method that shows the same demonstrations without a prompt (the transfer baseline). */
    public IclMethod iclMethod() {
        return this == RANDOM ? IclMethod.ICL_RANDOM : this == BM25 ? IclMethod.ICL_BM25 : IclMethod.ICL_EMBEDDING;
    }

    public static IclRetrieval byLabel(String name) {
        for (IclRetrieval r : values()) {
            if (r.label.equals(name)) {
                return r;
            }
        }
        throw new IllegalArgumentException("unknown retriever '" + name + "'; allowed: "
                + String.join(", ", Arrays.stream(values()).map(IclRetrieval::label).toList()));
    }

    public static List<String> labels() {
        return Arrays.stream(values()).map(IclRetrieval::label).toList();
    }
}
