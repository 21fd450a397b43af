package dev.promptlab.model.hf;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import dev.promptlab.model.LowRank;

/**
 * The building blocks the Hugging Face decoders share, written so that every result lands on the
 * manager of the activation (the step's manager), never on a weight's: libtorch's linear and
 * embedding attach their result to the first array handed to the JNI call, which here is always
 * the activation or the ids.
 */
public final class HfLayers {
    private HfLayers() {}

    /**
     * nn.Linear as Hugging Face stores it: x (N, in) · wᵀ with w (out, in), plus bias (out) or none,
     * plus the LoRA addition {@code extra.delta(x)} when {@code extra} is not null.
     */
    public static NDArray linear(NDArray x, NDArray w, NDArray bias, LowRank extra) {
        NDArray y = x.getNDArrayInternal().linear(x, w, bias).singletonOrThrow(); // (..., out)
        return extra == null ? y : y.add(extra.delta(x)); // (..., out)
    }

    /** LayerNorm over the last axis with gain and bias (biased variance, as torch computes it). */
    public static NDArray layerNorm(NDArray x, NDArray gain, NDArray bias, double eps) {
        Shape s = x.getShape();
        return x.getNDArrayInternal().layerNorm(x, new Shape(s.get(s.dimension() - 1)), gain, bias, (float) eps)
                .singletonOrThrow(); // same shape as x
    }

    /** Rows of {@code table} (V, E) at {@code ids} (any shape, INT64) → (ids..., E), on the ids' manager. */
    public static NDArray lookup(NDArray table, NDArray ids) {
        return ids.getNDArrayInternal().embedding(ids, table, SparseFormat.DENSE).singletonOrThrow(); // (ids..., E)
    }

    /**
     * Fails naming the offending id when {@code ids} holds a value outside [0, vocab): libtorch's
     * embedding would otherwise abort the JVM or read out of bounds.
     */
    public static void requireIds(NDArray ids, int vocab) {
        DataType type = ids.getDataType();
        if (type != DataType.INT64 && type != DataType.INT32) {
            throw new IllegalArgumentException("ids must be INT64 or INT32, got " + type);
        }
        long[] values = ids.toType(DataType.INT64, false).toLongArray();
        for (long id : values) {
            if (id < 0 || id >= vocab) {
                throw new IllegalArgumentException("token id " + id + " outside vocab_size " + vocab);
            }
        }
    }

    /** (N, H·D) with N = B·T → (B, H, T, D), a view. */
    public static NDArray heads(NDArray x, int b, int t, int nh, int d) {
        return x.reshape(b, t, nh, d).transpose(0, 2, 1, 3); // (B, H, T, D)
    }
}
