package dev.promptlab.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import dev.promptlab.tensor.Scopes;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Key/value cache of an attention model, as Hugging Face's {@code DynamicCache} holds it: per
 * layer the keys (as the architecture stores them, e.g. already rotated by RoPE) and values of
 * every position consumed so far, key/value prefix positions first, each (B, KV, S, D) with the
 * key/value heads KV. The arrays live in the cache's own manager (a child of the forward pass's
 * manager); {@link #close()} frees them. A forward call that continues from a cache returns a
 * new, independent cache: close the old one when done. A cache only continues the architecture
 * that made it ({@link #arch()}).
 */
public final class KeyValueCache implements DecodingState {
    private final String arch;
    private final NDManager manager;
    private final List<NDArray> keys;
    private final List<NDArray> values;
    private final int prefixLength;

    /**
     * @param arch the architecture that made the cache
     * @param manager owns the arrays; closed with the cache
     * @param prefixLength key/value prefix positions at the start (0 without a prefix)
     */
    public KeyValueCache(String arch, NDManager manager, List<NDArray> keys, List<NDArray> values, int prefixLength) {
        this.arch = arch;
        this.manager = manager;
        this.keys = List.copyOf(keys);
        this.values = List.copyOf(values);
        this.prefixLength = prefixLength;
    }

    /** The architecture name of the model that made this cache. */
    public String arch() {
        return arch;
    }

    /** Keys of layer {@code layer}: (B, KV, S, D). */
    public NDArray keys(int layer) {
        return keys.get(layer);
    }

    /** Values of layer {@code layer}: (B, KV, S, D). */
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
    public KeyValueCache reorder(int[] rows, NDManager target) {
        NDManager own = target.newSubManager();
        NDArray index = own.create(Arrays.stream(rows).asLongStream().toArray()); // (B')
        List<NDArray> k = new ArrayList<>(keys.size());
        List<NDArray> v = new ArrayList<>(values.size());
        for (int l = 0; l < keys.size(); l++) {
            k.add(Scopes.into(own, keys.get(l).get(new NDIndex("{}", index)))); // (B', KV, S, D)
            v.add(Scopes.into(own, values.get(l).get(new NDIndex("{}", index)))); // (B', KV, S, D)
        }
        return new KeyValueCache(arch, own, k, v, prefixLength);
    }

    @Override
    public void close() {
        manager.close();
    }
}
