package dev.promptlab.model.hf;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import dev.promptlab.model.LowRank;

import java.util.Map;

/**
 * The query, key and value projections of an attention layer, in one of the layouts checkpoints
 * store them: three layers (OPT, llama), one fused layer whose outputs are [q | k | v] (GPT-2's
 * c_attn), or one fused layer whose outputs are per head [q k v] (BLOOM's query_key_value). A
 * fused layer keeps its LoRA addition on its whole output, as PEFT does.
 */
public final class QkvProjection {
    private enum Layout { SEPARATE, STACKED, PER_HEAD }

    private final Layout layout;
    private final Linear[] layers;
    private final Heads heads;

    private QkvProjection(Layout layout, Heads heads, Linear... layers) {
        this.layout = layout;
        this.heads = heads;
        this.layers = layers;
    }

    /** q_proj (H·D, C), k_proj and v_proj (KV·D, C). */
    public static QkvProjection separate(Linear q, Linear k, Linear v, Heads heads) {
        return new QkvProjection(Layout.SEPARATE, heads, q, k, v);
    }

    /** One layer C → (H + 2 KV)·D whose outputs are all queries, then all keys, then all values. */
    public static QkvProjection stacked(Linear qkv, Heads heads) {
        return new QkvProjection(Layout.STACKED, heads, qkv);
    }

    /** One layer C → 3 H·D whose outputs are, per head, its query, key and value side by side. */
    public static QkvProjection perHead(Linear qkv, Heads heads) {
        if (heads.groups() != 1) {
            throw new IllegalArgumentException("a per-head fused projection has as many key/value heads as heads");
        }
        return new QkvProjection(Layout.PER_HEAD, heads, qkv);
    }

    /** q (B, H, T, D) and k, v (B, KV, T, D) of the normed input a (B·T, C); views where the layout allows. */
    public NDArray[] project(NDArray a, int b, int t, Map<String, LowRank> lora) {
        int h = heads.queries();
        int kv = heads.keyValues();
        int d = heads.size();
        switch (layout) {
            case SEPARATE:
                return new NDArray[] {split(layers[0].apply(a, lora), b, t, h), split(layers[1].apply(a, lora), b, t, kv),
                        split(layers[2].apply(a, lora), b, t, kv)};
            case STACKED: {
                NDList parts = layers[0].apply(a, lora).split(new long[] {(long) h * d, (long) (h + kv) * d}, 1); // 3 views
                return new NDArray[] {split(parts.get(0), b, t, h), split(parts.get(1), b, t, kv),
                        split(parts.get(2), b, t, kv)};
            }
            default: {
                NDList parts = layers[0].apply(a, lora).reshape(b, t, h, 3L * d).split(3, 3); // 3 × (B, T, H, D) views
                return new NDArray[] {parts.get(0).transpose(0, 2, 1, 3), parts.get(1).transpose(0, 2, 1, 3),
                        parts.get(2).transpose(0, 2, 1, 3)}; // (B, H, T, D) each
            }
        }
    }

    /** (B·T, N·D) → (B, N, T, D), a view. */
    private NDArray split(NDArray x, int b, int t, int n) {
        return x.reshape(b, t, n, heads.size()).transpose(0, 2, 1, 3); // (B, N, T, D)
    }
}
