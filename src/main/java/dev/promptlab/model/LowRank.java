package dev.promptlab.model;

import ai.djl.ndarray.NDArray;
import dev.promptlab.tensor.Scalars;

import java.util.function.UnaryOperator;

/**
 * A low-rank addition to one linear layer (LoRA, Hu et al. 2021): the layer computes
 * {@code y = x·W + b + scale · (dropout(x)·a)·b} with {@code a} (in, r) and {@code b} (r, out), in
 * the same orientation as the layer's own {@code x·W}. Models look up their linear layers by
 * weight name in {@link ModelInput#lowRank()}, so LoRA needs no change to the weights themselves.
 *
 * @param a down projection (in, r)
 * @param b up projection (r, out), zero-initialised so a fresh LoRA is a no-op
 * @param scale alpha / r
 * @param dropout applied to the layer input before {@code a} (PEFT's lora_dropout, training
 *     only), or null for none
 */
public record LowRank(NDArray a, NDArray b, float scale, UnaryOperator<NDArray> dropout) {
    public LowRank {
        if (a.getShape().get(1) != b.getShape().get(0)) {
            throw new IllegalArgumentException("LoRA ranks differ: a is " + a.getShape() + ", b is " + b.getShape());
        }
    }

    /** An addition without dropout. */
    public LowRank(NDArray a, NDArray b, float scale) {
        this(a, b, scale, null);
    }

    /** The addition for input x (..., in) → (..., out). */
    public NDArray delta(NDArray x) {
        NDArray in = dropout == null ? x : dropout.apply(x); // (..., in)
        return Scalars.mul(in.matMul(a).matMul(b), scale); // (..., r) → (..., out)
    }
}
