package dev.promptlab.model;

import ai.djl.ndarray.NDArray;

import java.util.List;

/**
 * Per-layer key/value vectors prepended to every attention layer's keys and values (prefix
 * tuning). {@code keys.get(l)} and {@code values.get(l)} are (B, H, P, C/H). Positions of the
 * real tokens continue after the prefix, as with Hugging Face's {@code past_key_values}.
 */
public record KvPrefix(List<NDArray> keys, List<NDArray> values) {
    public KvPrefix {
        if (keys.size() != values.size()) {
            throw new IllegalArgumentException("prefix has " + keys.size() + " key layers but "
                    + values.size() + " value layers");
        }
    }

    /** Prefix length P. */
    public int length() {
        return (int) keys.get(0).getShape().get(2);
    }

    public int layers() {
        return keys.size();
    }
}
