/**
 * The one causal transformer decoder every attention architecture is built from, and the
 * Hugging Face checkpoint plumbing ({@link dev.promptlab.model.hf.HfWeights},
 * {@link dev.promptlab.model.hf.HfConfig}).
 *
 * <p>An architecture (GPT-2 in {@link dev.promptlab.model.Gpt}, and {@code opt}, {@code bloom},
 * {@code llama} here) names its weights and composes shared blocks, as Jlama's LlamaModel or
 * nanoGPT do: an {@link dev.promptlab.model.hf.HfDecoder} of
 * {@link dev.promptlab.model.hf.DecoderBlock}s, each a {@link dev.promptlab.model.hf.Norm}, a
 * {@link dev.promptlab.model.hf.SelfAttention} over a {@link dev.promptlab.model.hf.QkvProjection}
 * of {@link dev.promptlab.model.hf.Linear} layers, a second norm and an
 * {@link dev.promptlab.model.hf.Mlp}. Options of that one implementation: grouped-query heads
 * ({@link dev.promptlab.model.hf.Heads}), positions ({@link dev.promptlab.model.hf.LearnedPositions},
 * {@link dev.promptlab.model.hf.Alibi}, {@link dev.promptlab.model.hf.Rotary} with its
 * scalings), biases, pre- or post-norm residuals. The per-call state that all layers share
 * (mask, prefix, cache, rotary tables) is one {@link dev.promptlab.model.hf.CausalAttention}
 * pass, which also holds the masking constant of the code base. What is particular to one
 * architecture stays in its sub-package.
 */
package dev.promptlab.model.hf;
