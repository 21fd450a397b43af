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

    /**
     * The output layer alone: final hidden states (..., C), as {@link ModelOutput#hidden()}
     * holds them (after the final norm), → logits (..., V), exactly as {@link #forward} computes
     * them (tied or untied head, its bias). Lets a caller that reads few positions run
     * {@code forward(input.withLogits(false))} and map only those rows. Results live in the
     * manager of {@code hidden}; gradients flow back into it.
     *
     * @param lowRank the input's LoRA additions ({@link ModelInput#lowRank()}): the one of the
     *     output layer applies, as in forward (an untied head that LoRA adapts)
     */
    NDArray logitsOf(NDArray hidden, Map<String, LowRank> lowRank);

    /** {@link #logitsOf(NDArray, Map)} without LoRA additions. */
    default NDArray logitsOf(NDArray hidden) {
        return logitsOf(hidden, Map.of());
    }

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

    /**
     * The modules LoRA adapts when the user names none, in PEFT's spelling (its
     * {@code TRANSFORMERS_MODELS_TO_LORA_TARGET_MODULES_MAPPING} for this architecture, e.g.
     * {@code c_attn} for GPT-2); empty when the architecture has no default.
     */
    default java.util.List<String> defaultLoraTargets() {
        return java.util.List.of();
    }

    /**
     * Whether {@link #forward} adds a {@link ModelInput#lowRank()} addition registered under this
     * weight name, i.e. the weight is a linear layer's (in, out) matrix. By default every 2-D
     * weight but the input embedding table.
     */
    default boolean appliesLowRank(String weightName) {
        NDArray w = parameters().get(weightName);
        return w != null && w.getShape().dimension() == 2 && w != inputEmbeddings();
    }

    /**
     * The module path of a weight in the Hugging Face model class, as PEFT names modules
     * ({@code transformer.h.0.attn.c_attn} for GPT-2's {@code h.0.attn.c_attn.weight}); by default
     * the weight name without its {@code .weight}.
     */
    default String modulePath(String weightName) {
        return weightName.endsWith(".weight") ? weightName.substring(0, weightName.length() - ".weight".length())
                : weightName;
    }

    /**
     * Whether the Hugging Face checkpoint stores linear weights as (in, out), GPT-2's Conv1D
     * layout, rather than nn.Linear's (out, in); PEFT's {@code fan_in_fan_out}.
     */
    default boolean fanInFanOut() {
        return false;
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
