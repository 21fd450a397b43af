package dev.promptlab.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;

/**
 * Decoding state of an {@link Lstm}: the hidden and cell states (L, B, C) after {@link #length()}
 * positions. The arrays live in the state's own manager; {@link #close()} frees them.
 */
public final class LstmState implements DecodingState {
    private final NDManager manager;
    private final NDArray h;
    private final NDArray c;
    private final int length;

    LstmState(NDManager manager, NDArray h, NDArray c, int length) {
        this.manager = manager;
        this.h = h;
        this.c = c;
        this.length = length;
    }

    /** Hidden state (L, B, C). */
    public NDArray hidden() {
        return h;
    }

    /** Cell state (L, B, C). */
    public NDArray cell() {
        return c;
    }

    @Override
    public int length() {
        return length;
    }

    @Override
    public LstmState reorder(int[] rows, NDManager target) {
        NDManager own = target.newSubManager();
        NDArray index = own.create(java.util.Arrays.stream(rows).asLongStream().toArray()); // (B')
        NDArray newH = dev.promptlab.tensor.Scopes.into(own, h.get(new NDIndex(":, {}", index))); // (L, B', C)
        NDArray newC = dev.promptlab.tensor.Scopes.into(own, c.get(new NDIndex(":, {}", index))); // (L, B', C)
        return new LstmState(own, newH, newC, length);
    }

    @Override
    public void close() {
        manager.close();
    }
}
