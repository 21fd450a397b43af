package dev.promptlab.model.hf.bloom;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.promptlab.model.ModelConfig;
import dev.promptlab.model.hf.HfConfig;

/**
 * The BLOOM-only settings of {@code config.json} (kept in {@link ModelConfig#source()}),
 * validated with messages naming the field.
 *
 * @param residualPostLayerNorm {@code apply_residual_connection_post_layernorm}: the residual
 *     branch starts from the layer-normed hidden state instead of the hidden state itself
 * @param initStd standard deviation of the random init ({@code initializer_range})
 */
record BloomOptions(boolean residualPostLayerNorm, double initStd) {

    /** Reads and validates the BLOOM-only fields of {@code json} (HF's defaults where absent). */
    static BloomOptions read(JsonNode json) {
        int tp = HfConfig.optionalInt(json, "pretraining_tp", 1);
        if (tp > 1 && HfConfig.optionalBoolean(json, "slow_but_exact", false)) {
            // HF's slow-but-exact path also drops the biases of dense and dense_4h_to_h: a different model.
            throw HfConfig.unsupported("slow_but_exact", true, "with pretraining_tp " + tp
                    + " HF computes the sliced projections without their biases; set it to false");
        }
        if (!HfConfig.optionalBoolean(json, "tie_word_embeddings", true)) {
            throw HfConfig.unsupported("tie_word_embeddings", false, "bloom computes logits with the tied word_embeddings");
        }
        boolean post = HfConfig.optionalBoolean(json, "apply_residual_connection_post_layernorm", false);
        double std = HfConfig.optionalDouble(json, "initializer_range", 0.02);
        return new BloomOptions(post, std);
    }

    /** The options of {@code config} (from its source config.json; HF's defaults for a config promptlab made). */
    static BloomOptions of(ModelConfig config) {
        return read(config.source() != null ? config.source() : JsonNodeFactory.instance.objectNode());
    }
}
