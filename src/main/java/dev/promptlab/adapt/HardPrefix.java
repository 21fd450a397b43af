package dev.promptlab.adapt;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.promptlab.model.LanguageModel;
import dev.promptlab.model.ModelInput;

import java.util.Arrays;
import java.util.Map;

/**
 * A fixed prefix of real tokens (a hard prompt) inserted after the first {@code after} input
 * positions; nothing is trainable. K prompts may be given at once, one per contiguous block of
 * batch rows, as with {@link InputPrefix}. The Bayesian prompting study's HardPT (the best of all
 * token strings) and random-prefix baseline.
 */
public final class HardPrefix implements Adapter {
    public static final String METHOD = "hard-prefix";

    private final int[][] tokens; // (K, P)
    private final int after;

    /**
     * @param tokens K prompts of P token ids each
     * @param after the prefix goes after this many leading input positions
     */
    public HardPrefix(int[][] tokens, int after) {
        if (tokens.length == 0 || tokens[0].length == 0) {
            throw new IllegalArgumentException("a hard prefix needs at least one prompt of at least one token");
        }
        for (int[] t : tokens) {
            if (t.length != tokens[0].length) {
                throw new IllegalArgumentException("all prompts of a hard prefix need the same length, got "
                        + t.length + " and " + tokens[0].length);
            }
        }
        if (after < 0) {
            throw new IllegalArgumentException("prefix position must be >= 0, got " + after);
        }
        this.tokens = Arrays.stream(tokens).map(int[]::clone).toArray(int[][]::new);
        this.after = after;
    }

    /** One prompt. */
    public static HardPrefix of(int[] tokens, int after) {
        return new HardPrefix(new int[][] {tokens}, after);
    }

    /** The prompts' token ids (K, P), copied. */
    public int[][] tokens() {
        return Arrays.stream(tokens).map(int[]::clone).toArray(int[][]::new);
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
        return tokens[0].length;
    }

    @Override
    public ModelInput apply(ModelInput input, LanguageModel model) {
        if (input.past() != null || input.attentionMask() != null) {
            throw new UnsupportedOperationException("a hard prefix applies to whole, unpadded sequences");
        }
        int b = input.batchSize();
        int k = tokens.length;
        int p = tokens[0].length;
        if (b % k != 0) {
            throw new IllegalArgumentException("batch of " + b + " rows does not split into " + k + " prompt blocks");
        }
        if (after > input.length()) {
            throw new IllegalArgumentException("the prefix goes after position " + after + " but the input has "
                    + input.length() + " positions");
        }
        NDManager tmp = (input.ids() != null ? input.ids() : input.embeddings()).getManager();
        long[] ids = new long[b * p];
        for (int row = 0; row < b; row++) {
            int[] prompt = tokens[row / (b / k)];
            for (int j = 0; j < p; j++) {
                ids[row * p + j] = prompt[j];
            }
        }
        NDArray prefixIds = tmp.create(ids, new Shape(b, p)); // (B, P)
        if (input.ids() != null) {
            NDArray head = input.ids().get(new NDIndex(":, :{}", after)); // (B, A)
            NDArray tail = input.ids().get(new NDIndex(":, {}:", after)); // (B, T-A)
            return input.withIds(NDArrays.concat(new NDList(head, prefixIds, tail), 1)); // (B, T+P)
        }
        NDArray x = input.embeddings(); // (B, T, C)
        NDArray head = x.get(new NDIndex(":, :{}", after)); // (B, A, C)
        NDArray tail = x.get(new NDIndex(":, {}:", after)); // (B, T-A, C)
        return input.withEmbeddings(NDArrays.concat(new NDList(head, model.embed(prefixIds), tail), 1)); // (B, T+P, C)
    }

    @Override
    public void close() {}
}
