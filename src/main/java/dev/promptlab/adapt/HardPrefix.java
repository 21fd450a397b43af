package dev.promptlab.adapt;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.promptlab.model.LanguageModel;

import java.util.Arrays;
import java.util.Map;

/**
 * A fixed prefix of real tokens (a hard prompt) inserted after the first {@code after} input
 * positions; nothing is trainable. K hard prompts go in one batch as a {@link MultiPrompt}. The
 * Bayesian prompting study's HardPT (the best of all token strings) and random-prefix baseline.
 */
public final class HardPrefix implements PromptEmbeddings {
    public static final String METHOD = "hard-prefix";

    private final int[] tokens; // (P)
    private final int after;

    /**
     * @param tokens the prompt's P token ids
     * @param after the prefix goes after this many leading input positions
     */
    public HardPrefix(int[] tokens, int after) {
        if (tokens.length == 0) {
            throw new IllegalArgumentException("a hard prefix needs at least one token");
        }
        if (after < 0) {
            throw new IllegalArgumentException("prefix position must be >= 0, got " + after);
        }
        this.tokens = tokens.clone();
        this.after = after;
    }

    /** One prompt. */
    public static HardPrefix of(int[] tokens, int after) {
        return new HardPrefix(tokens, after);
    }

    /** The prompt's token ids, copied. */
    public int[] tokens() {
        return tokens.clone();
    }

    @Override
    public String method() {
        return METHOD;
    }

    @Override
    public Map<String, NDArray> parameters() {
        return Map.of();
    }

    @Override
    public int virtualTokens() {
        return tokens.length;
    }

    @Override
    public int position() {
        return after;
    }

    /** The tokens' input embeddings (P, C), as the model embeds them. */
    @Override
    public NDArray virtualEmbeddings(NDManager scope, LanguageModel model) {
        long[] ids = Arrays.stream(tokens).asLongStream().toArray();
        return model.embed(scope.create(ids, new Shape(1, ids.length))).squeeze(0); // (P, C)
    }

    @Override
    public void close() {}
}
