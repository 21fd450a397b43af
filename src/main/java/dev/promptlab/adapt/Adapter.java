package dev.promptlab.adapt;

import ai.djl.ndarray.NDArray;
import dev.promptlab.model.LanguageModel;
import dev.promptlab.model.ModelInput;

import java.util.Map;

/**
 * A tunable thing attached to a frozen model: it owns its parameters, and transforms a
 * {@link ModelInput} (prepend embeddings, add key/value prefixes, ...). Each method is one small
 * class plus a config record, registered in {@link Adapters}.
 */
public interface Adapter extends AutoCloseable {
    /** Method name as on the command line ("soft-prompt"). */
    String method();

    /** Trainable parameters by their PEFT names (each created with requiresGradient). */
    Map<String, NDArray> parameters();

    /** Number of positions prepended to the sequence (logits come back for them too). */
    int virtualTokens();

    /** The input as the model should see it with this adapter applied. */
    ModelInput apply(ModelInput input, LanguageModel model);

    /**
     * The input as a training step sees it: like {@link #apply}, plus what only training does
     * (LoRA's dropout). Training draws from {@link #randomState()}.
     */
    default ModelInput applyTraining(ModelInput input, LanguageModel model) {
        return apply(input, model);
    }

    /**
     * Positions of the model's context this adapter occupies before the input: the virtual
     * tokens, or a key/value prefix's length (which takes positions but returns no logits).
     */
    default int contextPositions() {
        return virtualTokens();
    }

    /** The state of the random stream {@link #applyTraining} draws from (empty: none), for exact resume. */
    default long[] randomState() {
        return new long[0];
    }

    /** Continues the random stream from a {@link #randomState()}. */
    default void restoreRandomState(long[] state) {}

    /** Number of trainable elements. */
    default long trainableCount() {
        return parameters().values().stream().mapToLong(a -> a.getShape().size()).sum();
    }

    @Override
    void close();
}
