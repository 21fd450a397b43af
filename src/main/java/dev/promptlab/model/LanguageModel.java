package dev.promptlab.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import java.util.Map;

/**
 * A causal language model with frozen (or selectively trainable) weights. Everything adapters
 * need goes through {@link #forward(ModelInput)}: token ids or input embeddings, an attention
 * mask, optional per-layer key/value prefixes and a decoding state.
 *
 * <p>Weights live in {@link #manager()}; temporaries of a forward pass live in the manager of
 * the input arrays (callers open a child manager per step). No weight requires a gradient unless
 * a caller sets it (weight-tuning methods).
 */
public interface LanguageModel extends AutoCloseable {
    ModelConfig config();

    /** The input embedding matrix (V, C); for tied models also the output projection. */
    NDArray inputEmbeddings();

    /** Token embeddings (B, T, C) of ids (B, T), without positions (positions are added inside forward). */
    NDArray embed(NDArray ids);

    ModelOutput forward(ModelInput input);

    /** All weights by their checkpoint names, in a stable order. */
    Map<String, NDArray> parameters();

    NDManager manager();

    default int vocabSize() {
        return config().vocabSize();
    }

    default int hiddenSize() {
        return config().hiddenSize();
    }

    default int numLayers() {
        return config().numLayers();
    }

    /**
     * Heads of the keys and values (fewer than the query heads with grouped-query attention);
     * a {@link KvPrefix} for this model is (B, kvHeads, P, headSize) per layer.
     */
    default int numKeyValueHeads() {
        return config().numHeads();
    }

    /** Size of one attention head (C / H for most models). */
    default int headSize() {
        return config().headSize();
    }

    /** Whether {@link ModelInput#prefix()} is supported (attention models). */
    default boolean supportsKvPrefix() {
        return config().numHeads() > 0;
    }

    /** Total number of weight elements. */
    default long parameterCount() {
        return parameters().values().stream().mapToLong(a -> a.getShape().size()).sum();
    }

    @Override
    default void close() {
        manager().close();
    }
}
