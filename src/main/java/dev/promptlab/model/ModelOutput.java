package dev.promptlab.model;

import ai.djl.ndarray.NDArray;

/**
 * Result of a forward pass.
 *
 * @param logits (B, T, V) for the T new positions, or null when the input asked for none
 *     ({@link ModelInput#withLogits}(false))
 * @param state decoding state to pass to the next call, or null unless {@code useCache}
 * @param hidden last hidden states (B, T, C) after the final norm, the input of
 *     {@link LanguageModel#logitsOf}; null unless requested or the logits were not computed
 */
public record ModelOutput(NDArray logits, DecodingState state, NDArray hidden) {
    /**
     * The output of {@code model}'s forward over {@code in} whose final hidden states are
     * {@code hidden} (B, T, C): logits by {@link LanguageModel#logitsOf} when the input asks for
     * them, the hidden states when it asks for those or instead of the logits.
     */
    public static ModelOutput of(LanguageModel model, ModelInput in, NDArray hidden, DecodingState state) {
        NDArray logits = in.computeLogits() ? model.logitsOf(hidden, in.lowRank()) : null; // (B, T, V)
        return new ModelOutput(logits, state, in.returnHidden() || logits == null ? hidden : null);
    }
}
