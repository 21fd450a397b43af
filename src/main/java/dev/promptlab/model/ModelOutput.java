package dev.promptlab.model;

import ai.djl.ndarray.NDArray;

/**
 * Result of a forward pass.
 *
 * @param logits (B, T, V) for the T new positions
 * @param state decoding state to pass to the next call, or null unless {@code useCache}
 * @param hidden last hidden states (B, T, C) after the final norm, or null unless requested
 */
public record ModelOutput(NDArray logits, DecodingState state, NDArray hidden) {}
