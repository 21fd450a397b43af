package dev.promptlab.model.hf.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.promptlab.model.DecodingState;

import java.util.List;

/**
 * Key/value cache of a {@link Llama}, as Hugging Face's {@code DynamicCache} holds it: per layer
 * the keys (already rotated by RoPE) and values of every position consumed so far, prefix
 * positions first, each (B, KV, S, D) with the key/value heads KV (not repeated for the query
 * heads). The arrays live in the cache's own manager (a child of the forward pass's manager);
 * {@link #close()} frees them. Each forward call that continues from a cache returns a new,
 * independent one: close the old one when done.
 */
public final class LlamaCache implements DecodingState {
    private final NDManager manager;
    private final List<NDArray> keys;
    private final List<NDArray> values;
    private final int prefixLength;

    LlamaCache(NDManager manager, List<NDArray> keys, List<NDArray> values, int prefixLength) {
        this.manager = manager;
        this.keys = List.copyOf(keys);
        this.values = List.copyOf(values);
        this.prefixLength = prefixLength;
    }

    /** Rotated keys of one layer, (B, KV, S, D). */
    public NDArray keys(int layer) {
        return keys.get(layer);
    }

    /** Values of one layer, (B, KV, S, D). */
    public NDArray values(int layer) {
        return values.get(layer);
    }

    /** Number of layers L. */
    public int layers() {
        return keys.size();
    }

    /** Batch size B the cache was computed for. */
    public int batchSize() {
        return Math.toIntExact(keys.get(0).getShape().get(0));
    }

    /** How many leading positions came from a key/value prefix (0 without one). */
    public int prefixLength() {
        return prefixLength;
    }

    @Override
    public int length() {
        return Math.toIntExact(keys.get(0).getShape().get(2));
    }

    @Override
    public void close() {
        manager.close();
    }
}
