package dev.promptlab.train;

import ai.djl.ndarray.NDArray;

/** What a training step minimises for one batch. Runs inside an open gradient collector. */
@FunctionalInterface
public interface Objective {
    /** A scalar loss; its arrays live in the batch's manager. */
    NDArray loss(Batch batch);

    /** The state of any random stream the loss draws from (LoRA dropout), for exact resume; empty for none. */
    default long[] randomState() {
        return new long[0];
    }

    /** Continues from a {@link #randomState()}. */
    default void restoreRandomState(long[] state) {}

    /**
     * Each prompt's part of the last loss when several prompts train in one batch (the loss is
     * their sum); empty when the objective does not split by prompt.
     */
    default double[] promptLosses() {
        return new double[0];
    }
}
