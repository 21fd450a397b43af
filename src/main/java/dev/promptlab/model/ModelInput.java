package dev.promptlab.model;

import ai.djl.ndarray.NDArray;

/**
 * Everything a {@link LanguageModel} forward pass reads; adapters transform one of these into
 * another, so the model never knows which adapter is in use.
 *
 * @param ids token ids (B, T) INT64, or null when {@code embeddings} is given
 * @param embeddings input embeddings (B, T, C), or null when {@code ids} is given; an adapter
 *     that prepends vectors (soft prompt) turns ids into embeddings first
 * @param attentionMask (B, S) with 1 = attend and 0 = padding, S = prefix + past + T; null means
 *     every position is real. Causality is always applied on top.
 * @param prefix per-layer key/value prefix (prefix tuning), or null
 * @param past decoding state from an earlier call, or null
 * @param useCache whether to return a {@link DecodingState} for the next step
 * @param returnHidden whether to return the last layer's hidden states (B, T, C)
 * @param lowRank LoRA additions by the weight name of the linear layer they modify (e.g.
 *     "h.0.attn.c_attn.weight"); empty for none. A model applies those of its layers it finds.
 */
public record ModelInput(NDArray ids, NDArray embeddings, NDArray attentionMask, KvPrefix prefix,
        DecodingState past, boolean useCache, boolean returnHidden, java.util.Map<String, LowRank> lowRank) {

    public ModelInput {
        if ((ids == null) == (embeddings == null)) {
            throw new IllegalArgumentException("ModelInput needs exactly one of ids (B, T) or embeddings (B, T, C)");
        }
        if (ids != null && ids.getShape().dimension() != 2) {
            throw new IllegalArgumentException("ids must be (B, T), got " + ids.getShape());
        }
        if (embeddings != null && embeddings.getShape().dimension() != 3) {
            throw new IllegalArgumentException("embeddings must be (B, T, C), got " + embeddings.getShape());
        }
        lowRank = lowRank == null ? java.util.Map.of() : java.util.Map.copyOf(lowRank);
    }

    public static ModelInput ofIds(NDArray ids) {
        return new ModelInput(ids, null, null, null, null, false, false, null);
    }

    public static ModelInput ofEmbeddings(NDArray embeddings) {
        return new ModelInput(null, embeddings, null, null, null, false, false, null);
    }

    public int batchSize() {
        return (int) (ids != null ? ids.getShape().get(0) : embeddings.getShape().get(0));
    }

    /** Number of new positions T in this call. */
    public int length() {
        return (int) (ids != null ? ids.getShape().get(1) : embeddings.getShape().get(1));
    }

    public ModelInput withIds(NDArray newIds) {
        return new ModelInput(newIds, null, attentionMask, prefix, past, useCache, returnHidden, lowRank);
    }

    public ModelInput withEmbeddings(NDArray newEmbeddings) {
        return new ModelInput(null, newEmbeddings, attentionMask, prefix, past, useCache, returnHidden, lowRank);
    }

    public ModelInput withAttentionMask(NDArray mask) {
        return new ModelInput(ids, embeddings, mask, prefix, past, useCache, returnHidden, lowRank);
    }

    public ModelInput withPrefix(KvPrefix newPrefix) {
        return new ModelInput(ids, embeddings, attentionMask, newPrefix, past, useCache, returnHidden, lowRank);
    }

    public ModelInput withPast(DecodingState state) {
        return new ModelInput(ids, embeddings, attentionMask, prefix, state, useCache, returnHidden, lowRank);
    }

    public ModelInput withCache(boolean cache) {
        return new ModelInput(ids, embeddings, attentionMask, prefix, past, cache, returnHidden, lowRank);
    }

    public ModelInput withHidden(boolean hidden) {
        return new ModelInput(ids, embeddings, attentionMask, prefix, past, useCache, hidden, lowRank);
    }

    public ModelInput withLowRank(java.util.Map<String, LowRank> additions) {
        return new ModelInput(ids, embeddings, attentionMask, prefix, past, useCache, returnHidden, additions);
    }
}
