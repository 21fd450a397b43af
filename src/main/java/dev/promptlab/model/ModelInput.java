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
 * @param computeLogits whether to compute the logits (B, T, V); when false the model skips its
 *     output layer and returns the hidden states instead, for {@link LanguageModel#logitsOf} to
 *     map just the rows a caller reads
 */
public record ModelInput(NDArray ids, NDArray embeddings, NDArray attentionMask, KvPrefix prefix,
        DecodingState past, boolean useCache, boolean returnHidden, java.util.Map<String, LowRank> lowRank,
        boolean computeLogits) {

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

    /** An input whose forward computes the logits (the constructor before {@code computeLogits} existed). */
    public ModelInput(NDArray ids, NDArray embeddings, NDArray attentionMask, KvPrefix prefix, DecodingState past,
            boolean useCache, boolean returnHidden, java.util.Map<String, LowRank> lowRank) {
        this(ids, embeddings, attentionMask, prefix, past, useCache, returnHidden, lowRank, true);
    }

    public static ModelInput ofIds(NDArray ids) {
        return new ModelInput(ids, null, null, null, null, false, false, null, true);
    }

    public static ModelInput ofEmbeddings(NDArray embeddings) {
        return new ModelInput(null, embeddings, null, null, null, false, false, null, true);
    }

    public int batchSize() {
        return (int) (ids != null ? ids.getShape().get(0) : embeddings.getShape().get(0));
    }

    /** Number of new positions T in this call. */
    public int length() {
        return (int) (ids != null ? ids.getShape().get(1) : embeddings.getShape().get(1));
    }

    public ModelInput withIds(NDArray newIds) {
        return new ModelInput(newIds, null, attentionMask, prefix, past,
                useCache, returnHidden, lowRank, computeLogits);
    }

    public ModelInput withEmbeddings(NDArray newEmbeddings) {
        return new ModelInput(null, newEmbeddings, attentionMask, prefix, past,
                useCache, returnHidden, lowRank, computeLogits);
    }

    public ModelInput withAttentionMask(NDArray mask) {
        return new ModelInput(ids, embeddings, mask, prefix, past, useCache, returnHidden, lowRank, computeLogits);
    }

    public ModelInput withPrefix(KvPrefix newPrefix) {
        return new ModelInput(ids, embeddings, attentionMask, newPrefix, past,
                useCache, returnHidden, lowRank, computeLogits);
    }

    public ModelInput withPast(DecodingState state) {
        return new ModelInput(ids, embeddings, attentionMask, prefix, state,
                useCache, returnHidden, lowRank, computeLogits);
    }

    public ModelInput withCache(boolean cache) {
        return new ModelInput(ids, embeddings, attentionMask, prefix, past,
                cache, returnHidden, lowRank, computeLogits);
    }

    public ModelInput withHidden(boolean hidden) {
        return new ModelInput(ids, embeddings, attentionMask, prefix, past, useCache, hidden, lowRank, computeLogits);
    }

    public ModelInput withLowRank(java.util.Map<String, LowRank> additions) {
        return new ModelInput(ids, embeddings, attentionMask, prefix, past,
                useCache, returnHidden, additions, computeLogits);
    }

    /**
     * Whether the forward computes the logits; {@code withLogits(false)} returns the final hidden
     * states (B, T, C) instead and leaves {@link ModelOutput#logits()} null.
     */
    public ModelInput withLogits(boolean logits) {
        return new ModelInput(ids, embeddings, attentionMask, prefix, past, useCache, returnHidden, lowRank, logits);
    }
}
