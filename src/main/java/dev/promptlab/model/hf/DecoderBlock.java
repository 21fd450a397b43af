package dev.promptlab.model.hf;

import ai.djl.ndarray.NDArray;
import dev.promptlab.model.LowRank;

import java.util.Map;

/**
 * One decoder layer: self-attention and an MLP, each with a norm and a residual connection, wired
 * as the architecture wires them ({@link Residual}).
 */
public record DecoderBlock(Norm attentionNorm, SelfAttention attention, Norm mlpNorm, Mlp mlp, Residual residual) {
    /** Where the norms sit and what the residual branches start from. */
    public enum Residual {
        /** h + attn(n1(h)), then h + mlp(n2(h)): GPT-2, llama, most OPT and BLOOM. */
        PRE_NORM,
        /** n1(h + attn(h)), then n2(h + mlp(h)): OPT with do_layer_norm_before false (OPT-350m). */
        POST_NORM,
        /**
         * a = n1(h), a + attn(a), then m = n2(that), m + mlp(m): BLOOM's
         * apply_residual_connection_post_layernorm, the residual starting from the normed state.
         */
        FROM_NORMED
    }

    /** h (B·T, C) → (B·T, C). */
    public NDArray forward(NDArray h, CausalAttention pass, Map<String, LowRank> lora) {
        switch (residual) {
            case PRE_NORM: {
                NDArray x = residual(attention.forward(attentionNorm.apply(h), pass, lora), h); // (B·T, C)
                return residual(mlp.apply(mlpNorm.apply(x), lora), x); // (B·T, C)
            }
            case POST_NORM: {
                NDArray x = attentionNorm.apply(residual(attention.forward(h, pass, lora), h)); // (B·T, C)
                return mlpNorm.apply(residual(mlp.apply(x, lora), x)); // (B·T, C)
            }
            default: {
                NDArray a = attentionNorm.apply(h); // (B·T, C)
                NDArray m = mlpNorm.apply(residual(attention.forward(a, pass, lora), a)); // (B·T, C)
                return residual(mlp.apply(m, lora), m); // (B·T, C)
            }
        }
    }

    /**
     * branch + stream, added into the branch's own fresh output (the output projection's): no
     * backward needs that array, while the stream itself may be saved by a norm's backward.
     */
    private static NDArray residual(NDArray branch, NDArray stream) {
        return branch.addi(stream); // (B·T, C)
    }
}
