package dev.promptlab.model.hf.opt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.promptlab.model.ModelConfig;
import dev.promptlab.model.hf.HfConfig;

/**
 * The OPT-only settings of {@code config.json} (kept in {@link ModelConfig#source()}), validated
 * with messages naming the field. Options this implementation does not compute are rejected.
 *
 * @param wordEmbedProjDim E, width of the token embeddings and of the output (OPT-350m: 512 while
 *     hidden_size is 1024; project_in / project_out map between them when E != C)
 * @param layerNormBefore pre-LayerNorm blocks (most OPTs) or post-LayerNorm (OPT-350m)
 * @param finalLayerNorm whether the decoder ends with {@code model.decoder.final_layer_norm}
 *     (do_layer_norm_before and not _remove_final_layer_norm, as HF decides)
 * @param padTokenId the embedding row HF's init zeroes (nn.Embedding padding_idx), or -1
 * @param initStd standard deviation of the random init (init_std)
 */
record OptOptions(int wordEmbedProjDim, boolean layerNormBefore, boolean finalLayerNorm, int padTokenId,
        double initStd) {

    /** Reads and validates the OPT-only fields of {@code json} (HF's defaults where absent). */
    static OptOptions read(JsonNode json, int hiddenSize, int vocabSize) {
        int e = HfConfig.positiveInt(json, "word_embed_proj_dim", hiddenSize);
        boolean before = HfConfig.optionalBoolean(json, "do_layer_norm_before", true);
        boolean removeFinal = HfConfig.optionalBoolean(json, "_remove_final_layer_norm", false);
        String act = HfConfig.optionalString(json, "activation_function", "relu");
        if (!act.equals("relu")) {
            throw HfConfig.unsupported("activation_function", "'" + act + "'", "opt computes relu, as every OPT checkpoint uses");
        }
        if (!HfConfig.optionalBoolean(json, "enable_bias", true)) {
            throw HfConfig.unsupported("enable_bias", false, "opt expects biases on every linear layer");
        }
        if (!HfConfig.optionalBoolean(json, "layer_norm_elementwise_affine", true)) {
            throw HfConfig.unsupported("layer_norm_elementwise_affine", false, "opt expects layer norms with gain and bias");
        }
        if (!HfConfig.optionalBoolean(json, "tie_word_embeddings", true)) {
            throw HfConfig.unsupported("tie_word_embeddings", false, "opt computes logits with the tied embed_tokens");
        }
        int pad = HfConfig.optionalInt(json, "pad_token_id", 1);
        double std = HfConfig.optionalDouble(json, "init_std", 0.02);
        return new OptOptions(e, before, before && !removeFinal, pad >= 0 && pad < vocabSize ? pad : -1, std);
    }

    /** The options of {@code config} (from its source config.json; HF's defaults for a config promptlab made). */
    static OptOptions of(ModelConfig config) {
        JsonNode json = config.source() != null ? config.source() : JsonNodeFactory.instance.objectNode();
        return read(json, config.hiddenSize(), config.vocabSize());
    }

    /** Whether the embeddings are narrower or wider than the blocks (project_in / project_out exist). */
    boolean projects(int hiddenSize) {
        return wordEmbedProjDim != hiddenSize;
    }
}
