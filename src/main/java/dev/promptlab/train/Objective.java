package dev.promptlab.train;

import ai.djl.ndarray.NDArray;

/** What a training step minimises for one batch. Runs inside an open gradient collector. */
@FunctionalInterface
public interface Objective {
    /** A scalar loss; its arrays live in the batch's manager. */
    NDArray loss(Batch batch);
}
