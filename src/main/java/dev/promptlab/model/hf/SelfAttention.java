package dev.promptlab.model.hf;

import ai.djl.ndarray.NDArray;
import dev.promptlab.model.LowRank;

import java.util.Map;

/**
 * The causal self-attention of one decoder layer, the same for every architecture: project
 * queries, keys and values, rotate them when the architecture uses RoPE, prepend the prefix or
 * cached keys and values, attend ({@link CausalAttention#attend}) and project back. Position
 * biases (ALiBi) and masks come with the {@link CausalAttention} pass.
 */
public final class SelfAttention {
    private final int layer;
    private final QkvProjection qkv;
    private final Linear out;

    /**
     * @param layer the layer's index (which prefix and cache entries it reads)
     * @param qkv the query, key and value projections
     * @param out the output projection (H·D → C)
     */
    public SelfAttention(int layer, QkvProjection qkv, Linear out) {
        this.layer = layer;
        this.qkv = qkv;
        this.out = out;
    }

    /** a (B·T, C), already normed → (B·T, C). */
    public NDArray forward(NDArray a, CausalAttention pass, Map<String, LowRank> lora) {
        NDArray[] p = qkv.project(a, pass.batchSize(), pass.length(), lora); // q (B, H, T, D), k, v (B, KV, T, D)
        NDArray[] kv = pass.extend(layer, pass.rotate(p[1]), p[2]); // (B, KV, S, D) each
        NDArray y = pass.attend(pass.rotate(p[0]), kv[0], kv[1]); // (B·T, H·D)
        return out.apply(y, lora); // (B·T, C)
    }
}
