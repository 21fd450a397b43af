package dev.promptlab.tensor;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Scalar operands for arrays that carry gradients.
 *
 * <p>Why this exists: DJL's PyTorch {@code NDArray.mul(Number)} (likewise add, sub, div,
 * maximum, pow with a {@code Number}) wraps the number in a tensor made by {@code from_blob}
 * over a Java direct buffer and closes that array at once. Autograd keeps the scalar tensor for
 * the backward pass (e.g. MulBackward saves {@code other}); when the garbage collector then
 * frees the buffer, backward reads freed memory: runs become non-deterministic and now and then
 * NaN. A scalar made here lives in memory that libtorch owns and reference-counts, so autograd
 * may keep it as long as it likes.
 */
public final class Scalars {
    private Scalars() {}

    /** A 0-dimensional array holding {@code value}, with {@code like}'s dtype and manager. */
    public static NDArray like(NDArray like, double value) {
        return like.getManager().full(new Shape(), (float) value, like.getDataType()); // ()
    }

    /** {@code x · value}, safe under autograd. */
    public static NDArray mul(NDArray x, double value) {
        return x.mul(like(x, value));
    }
}
