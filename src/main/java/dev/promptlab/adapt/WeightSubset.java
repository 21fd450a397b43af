package dev.promptlab.adapt;

import ai.djl.ndarray.NDArray;
import dev.promptlab.model.InputVectorModel;
import dev.promptlab.model.LanguageModel;
import dev.promptlab.model.ModelInput;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Weight tuning of a part of the model: this adapter unfreezes the chosen weights of the model
 * itself (they are its parameters; the input passes through unchanged). Train a copy of the model
 * ({@link InputVectorModel#copy}) to keep the original. The Bayesian prompting study's FullWT,
 * EmbedWT, UnembedWT and Un+EmbedWT.
 */
public final class WeightSubset implements Adapter {
    public static final String METHOD = "weight-subset";
    /**
     * {@code tune}'s name for {@link Part#ALL}, the full fine-tuning baseline; it saves a whole
     * model directory (Hugging Face layout) rather than a PEFT adapter.
     */
    public static final String FULL = "full";

    /** Which weights are tuned. */
    public enum Part {
        /** Every weight. */
        ALL,
        /** The input layer (dense embedding). */
        EMBEDDING,
        /** The output layer (unembedding). */
        UNEMBEDDING,
        /** Both the input and the output layer. */
        EMBEDDING_AND_UNEMBEDDING
    }

    private final Part part;
    private final Map<String, NDArray> weights;

    private WeightSubset(Part part, Map<String, NDArray> weights) {
        this.part = part;
        this.weights = Collections.unmodifiableMap(weights);
        for (NDArray w : weights.values()) {
            w.setRequiresGradient(true);
        }
    }

    /** Unfreezes {@code part} of {@code model}; EMBEDDING and UNEMBEDDING need an {@link InputVectorModel}. */
    public static WeightSubset of(LanguageModel model, Part part) {
        Map<String, NDArray> all = model.parameters();
        Map<String, NDArray> chosen = new LinkedHashMap<>();
        if (part == Part.ALL) {
            chosen.putAll(all);
        } else {
            if (!(model instanceof InputVectorModel m)) {
                throw new IllegalArgumentException(part + " tuning needs a model with separate input and output layers"
                        + " (InputVectorModel), got " + model.getClass().getSimpleName());
            }
            List<String> names = new java.util.ArrayList<>();
            if (part != Part.UNEMBEDDING) {
                names.addAll(m.inputLayerWeights());
            }
            if (part != Part.EMBEDDING) {
                names.addAll(m.outputLayerWeights());
            }
            for (String n : names) {
                chosen.put(n, all.get(n));
            }
        }
        return new WeightSubset(part, chosen);
    }

    public Part part() {
        return part;
    }

    @Override
    public String method() {
        return METHOD;
    }

    /** The unfrozen model weights, by the model's names. */
    @Override
    public Map<String, NDArray> parameters() {
        return weights;
    }

    @Override
    public int virtualTokens() {
        return 0;
    }

    @Override
    public ModelInput apply(ModelInput input, LanguageModel model) {
        return input;
    }

    /** The weights belong to the model, which closes them. */
    @Override
    public void close() {}
}
