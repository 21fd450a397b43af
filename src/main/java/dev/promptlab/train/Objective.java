package dev.promptlab.train;

import ai.djl.ndarray.NDArray;
import ai.djl.training.GradientCollector;

/** What a training step minimises for one batch. Runs inside an open gradient collector. */
@FunctionalInterface
public interface Objective {
    /** A scalar loss; its arrays live in the batch's manager. */
    NDArray loss(Batch batch);

    /**
     * The batch's loss, with its gradients added to the parameters' through {@code collector}: one
     * forward and one backward by default. An objective may split a large batch into parts whose
     * gradients add up to the whole's, so that each part's activations stay small (see
     * {@link AdapterObjective}). A non-finite loss is returned without a backward pass; the caller
     * refuses the step.
     */
    default double lossAndGradients(Batch batch, GradientCollector collector) {
        NDArray loss = loss(batch);
        double value = loss.getFloat();
        if (Double.isFinite(value)) {
            collector.backward(loss);
        }
        return value;
    }

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
