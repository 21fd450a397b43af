package dev.promptlab.model.hf;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.promptlab.model.LanguageModel;
import dev.promptlab.model.ModelConfig;
import dev.promptlab.model.ModelInput;

import java.util.Map;

/**
 * What the Hugging Face decoders with tied token embeddings share outside their blocks: the
 * weights by checkpoint name, the token table (V, E) used for both the input lookup and the
 * logits, and the checks on the input vectors. Subclasses compute {@link #forward(ModelInput)}.
 */
public abstract class HfDecoder implements LanguageModel {
    private final ModelConfig config;
    private final NDManager manager;
    private final Map<String, NDArray> params;
    private final NDArray tokens;

    /**
     * @param params weights by checkpoint name, already validated and attached to {@code manager}
     * @param tokenTable the name of the (V, E) token embedding, tied to the output
     */
    protected HfDecoder(ModelConfig config, Map<String, NDArray> params, NDManager manager, String tokenTable) {
        this.config = config;
        this.manager = manager;
        this.params = params;
        this.tokens = params.get(tokenTable);
    }

    @Override
    public ModelConfig config() {
        return config;
    }

    @Override
    public NDArray inputEmbeddings() {
        return tokens; // (V, E)
    }

    @Override
    public NDArray embed(NDArray ids) {
        HfLayers.requireIds(ids, config.vocabSize());
        return HfLayers.lookup(tokens, ids); // (B, T, E)
    }

    @Override
    public Map<String, NDArray> parameters() {
        return params;
    }

    @Override
    public NDManager manager() {
        return manager;
    }

    /** The attention bookkeeping of one forward pass over {@code in} (checks its prefix, cache and mask). */
    protected CausalAttention attention(ModelInput in) {
        return CausalAttention.open(config.arch(), in, config.numLayers(), config.numHeads(), config.headSize());
    }

    /** The input's vectors (B, T, E): the ids looked up, or the given embeddings, checked to be E wide. */
    protected NDArray inputVectors(ModelInput in) {
        NDArray x = in.ids() != null ? embed(in.ids()) : in.embeddings(); // (B, T, E)
        if (x.getShape().get(2) != hiddenSize()) {
            throw new IllegalArgumentException("embeddings must be (B, T, " + hiddenSize() + "), got " + x.getShape());
        }
        return x;
    }

    /** Logits (B, T, V) of the final hidden states h (B·T, E) against the tied token table. */
    protected NDArray tiedLogits(NDArray h, int b, int t) {
        return HfLayers.linear(h, tokens, null, null).reshape(b, t, config.vocabSize()); // (B, T, V)
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "(" + config + ")";
    }
}
