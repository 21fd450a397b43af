package dev.promptlab.model.hf;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.promptlab.model.DecodingState;

import java.util.List;

/**
 * Key/value cache of a Hugging Face decoder ({@code opt}, {@code bloom}): per layer K and V of
 * shape (B, H, S, D), S = every position consumed so far, key/value prefix positions included.
 * The arrays live in the cache's own manager (a child of the forward pass's manager); {@link
 * #close()} frees them. A forward call that continues from a cache returns a new, independent
 * cache: close the old one when done. A cache only continues the architecture that made it.
 */
public final class KvCache implements DecodingState {
    private final String arch;
    private final NDManager manager;
    private final List<NDArray> keys;
    private final List<NDArray> values;
    private final int prefixLength;

    KvCache(String arch, NDManager manager, List<NDArray> keys, List<NDArray> values, int prefixLength) {
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
    public void close() {
        manager.close();
    }
}
