package dev.promptlab.train;

import ai.djl.ndarray.NDManager;

/** Yields training batches; its position can be saved and restored for exact resume. */
public interface BatchSource {
    Batch next(NDManager manager);

    /** Opaque position (RNG states, cursors). */
    long[] state();

    void restore(long[] state);
}
