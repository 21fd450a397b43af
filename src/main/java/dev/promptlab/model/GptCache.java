package dev.promptlab.model;

import dev.promptlab.tensor.Scopes;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;

import java.util.List;

/**
 * Key/value cache of a {@link Gpt}: per layer K and V of shape (B, H, S, D), S = every position
 * consumed so far, key/value prefix positions included. The arrays live in the cache's own
 * manager (a child of the forward pass's manager); {@link #close()} frees them. A forward call
 * that continues from a cache returns a new, independent cache: close the old one when done.
 */
public final class GptCache implements DecodingState {
    private final NDManager manager;
    private final List<NDArray> keys;
    private final List<NDArray> values;
    private final int prefixLength;

    GptCache(NDManager manager, List<NDArray> keys, List<NDArray> values, int prefixLength) {
        this.manager = manager;
        this.keys = List.copyOf(keys);
        this.values = List.copyOf(values);
        this.prefixLength = prefixLength;
    }

    /** Keys of layer {@code layer}: (B, H, S, D). */
    public NDArray keys(int layer) {
        return keys.get(layer);
    }

    /** Values of layer {@code layer}: (B, H, S, D). */
    public NDArray values(int layer) {
        return values.get(layer);
    }

    public int layers() {
        return keys.size();
    }

    public int batchSize() {
        return (int) keys.get(0).getShape().get(0);
    }

    /** Number of key/value prefix positions at the start of the cache (0 without a prefix). */
    public int prefixLength() {
        return prefixLength;
    }

    @Override
    public int length() {
        return (int) keys.get(0).getShape().get(2);
    }

    @Override
    public GptCache reorder(int[] rows, NDManager target) {
        NDManager own = target.newSubManager();
        NDArray index = own.create(java.util.Arrays.stream(rows).asLongStream().toArray()); // (B')
        List<NDArray> k = new java.util.ArrayList<>(keys.size());
        List<NDArray> v = new java.util.ArrayList<>(values.size());
        for (int l = 0; l < keys.size(); l++) {
            k.add(Scopes.into(own, keys.get(l).get(new NDIndex("{}", index)))); // (B', H, S, D)
            v.add(Scopes.into(own, values.get(l).get(new NDIndex("{}", index)))); // (B', H, S, D)
        }
        return new GptCache(own, k, v, prefixLength);
    }

    @Override
    public void close() {
        manager.close();
    }
}
