package dev.promptlab.train;

import ai.djl.ndarray.NDArray;

/** Loss functions over logits. */
public final class Losses {
    private Losses() {}

    /**
     * Per-token negative log-likelihood (B, T) of {@code targets} under {@code logits} (B, T, V).
     */
    public static NDArray tokenNll(NDArray logits, NDArray targets) {
        NDArray logProbs = logits.logSoftmax(2); // (B, T, V)
        return logProbs.gather(targets.expandDims(2), 2).squeeze(2).neg(); // (B, T)
    }

    /** Mean NLL over the positions where {@code mask} (B, T) is 1: the cross entropy of output tokens. */
    public static NDArray maskedMeanNll(NDArray logits, NDArray targets, NDArray mask) {
        NDArray nll = tokenNll(logits, targets); // (B, T)
        return nll.mul(mask).sum().div(mask.sum().maximum(1f)); // ()
    }
}
