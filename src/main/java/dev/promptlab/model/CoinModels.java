package dev.promptlab.model;

import ai.djl.ndarray.NDManager;
import dev.promptlab.tensor.Rng;

import java.util.List;

/**
 * The coin networks of the Bayesian prompting study by name ("lstm", "transformer"), each with a
 * dense 2 → C input embedding and a C → 2 unembedding, so inputs may be real-valued vectors.
 */
public final class CoinModels {
    /** Names accepted by {@link #init}. */
    public static final List<String> NAMES = List.of("lstm", "transformer");

    private CoinModels() {}

    /**
     * A freshly initialised network: "lstm" (one LSTM layer of {@code hidden} units) or
     * "transformer" (one block, {@code hidden} wide, {@code heads} heads, MLP {@code inner}).
     */
    public static InputVectorModel init(String name, int hidden, int heads, int inner, int context, NDManager manager,
            Rng rng) {
        switch (name) {
            case "lstm":
                return CoinLstm.init(CoinLstm.config(hidden, 1, context), 2, manager, rng);
            case "transformer":
                return CoinTransformer.init(CoinTransformer.config(hidden, 1, heads, inner, context), 2, manager, rng);
            default:
                throw new IllegalArgumentException("unknown coin network '" + name + "' (allowed: "
                        + String.join(", ", NAMES) + ")");
        }
    }

    /** The coin networks read whole sequences in one call; decoding features are refused by name. */
    static void requireWholeSequences(ModelInput in, String arch) {
        if (in.prefix() != null) {
            throw new UnsupportedOperationException(arch + " takes no key/value prefix; prefixes go in as inputs"
                    + " (InputPrefix) instead");
        }
        if (in.past() != null || in.useCache()) {
            throw new UnsupportedOperationException(arch + " reads whole sequences: no decoding state");
        }
        if (in.attentionMask() != null) {
            throw new UnsupportedOperationException(arch + " takes no attention mask: all rows have the same length");
        }
    }
}
