package dev.promptlab.model;

import ai.djl.ndarray.NDArray;
import dev.promptlab.tensor.Scalars;

/**
 * A low-rank addition to one linear layer (LoRA, Hu et al. 2021): the layer computes
 * {@code y = x·W + b + scale · (x·a)·b} with {@code a} (in, r) and {@code b} (r, out), in the
 * same orientation as the layer's own {@code x·W}. Models look up their linear layers by weight
 * name in {@link ModelInput#lowRank()}, so LoRA needs no change to the weights themselves.
 *
 * @param a down projection (in, r)
 * @param b up projection (r, out), zero-initialised so a fresh LoRA is a no-op
 * @param scale alpha / r
 */
public record LowRank(NDArray a, NDArray b, float scale) {
    public LowRank {
        if (a.getShape().get(1) != b.getShape().get(0)) {
            throw new IllegalArgumentException("LoRA ranks differ: a is " + a.getShape() + ", b is " + b.getShape());
        }
    }

    /** The addition for input x (..., in) → (..., out). */
    public NDArray delta(NDArray x) {
        return Scalars.mul(x.matMul(a).matMul(b), scale); // (..., r) → (..., out)
    }
}
