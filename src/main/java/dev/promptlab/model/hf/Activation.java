package dev.promptlab.model.hf;

import ai.djl.ndarray.NDArray;
import dev.promptlab.tensor.Scalars;

/** The element-wise activations of the MLPs. */
public enum Activation {
    /**
     * GELU, tanh form: 0.5 x (1 + tanh(sqrt(2/π)(x + 0.044715 x³))), computed as the identical
     * x · sigmoid(2 sqrt(2/π)(x + 0.044715 x³)) (0.5(1 + tanh z) = sigmoid(2z)): fewer passes.
     * GPT-2's gelu_new and BLOOM's bloom_gelu_forward (which writes sqrt(2/π) as 0.79788456, the
     * same float32) are both this.
     */
    GELU_TANH {
        @Override
        public NDArray apply(NDArray x) {
            NDArray u = Scalars.mul(x.square(), K2).add(Scalars.like(x, K1)).mul(x); // (N, F)
            return x.mul(u.getNDArrayInternal().sigmoid()); // (N, F)
        }
    },
    /** GELU, exact (erf) form, libtorch's fused op. */
    GELU_ERF {
        @Override
        public NDArray apply(NDArray x) {
            return x.getNDArrayInternal().gelu(); // (N, F)
        }
    },
    RELU {
        @Override
        public NDArray apply(NDArray x) {
            return x.getNDArrayInternal().relu(); // (N, F)
        }
    },
    /** SiLU (swish): x · sigmoid(x). */
    SILU {
        @Override
        public NDArray apply(NDArray x) {
            return x.mul(x.getNDArrayInternal().sigmoid()); // (N, F)
        }
    };

    private static final float K1 = (float) (2 * Math.sqrt(2 / Math.PI));
    private static final float K2 = (float) (2 * Math.sqrt(2 / Math.PI) * 0.044715);

    /** The activation of x, same shape, on x's manager. */
    public abstract NDArray apply(NDArray x);
}
