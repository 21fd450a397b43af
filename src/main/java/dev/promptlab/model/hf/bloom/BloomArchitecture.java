package dev.promptlab.model.hf.bloom;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptlab.model.Architecture;
import dev.promptlab.model.LanguageModel;
import dev.promptlab.model.ModelConfig;
import dev.promptlab.model.hf.HfConfig;
import dev.promptlab.tensor.Rng;

import java.util.Map;

/**
 * BLOOM ({@code model_type} "bloom", HF {@code BloomForCausalLM}). Keys read, with HF's aliases
 * and precedence: {@code vocab_size}; {@code hidden_size} (the older {@code n_embed} wins when
 * present); {@code n_layer} ({@code num_hidden_layers} wins); {@code n_head} ({@code
 * num_attention_heads} wins); {@code layer_norm_epsilon} (1e-5), {@code bos_token_id} (1), {@code
 * eos_token_id} (2), {@code seq_length} (2048, advisory: ALiBi has no position limit) and the
 * BLOOM-only {@code apply_residual_connection_post_layernorm} and {@code initializer_range} (see
 * {@link BloomOptions}). Rejected, naming the field: untied embeddings, {@code slow_but_exact}
 * with {@code pretraining_tp} > 1. The MLP is always 4C wide, as in HF.
 */
public final class BloomArchitecture implements Architecture {
    /** Keys HF lets override the canonical ones; dropped on write so the generic fields rule. */
    private static final String[] ALIASES = {"n_embed", "num_hidden_layers", "num_attention_heads"};

    @Override
    public String name() {
        return Bloom.ARCH;
    }

    @Override
    public String modelType() {
        return "bloom";
    }

    @Override
    public ModelConfig readConfig(JsonNode configJson) {
        ObjectNode json = HfConfig.object(configJson);
        int vocab = HfConfig.requiredInt(json, "vocab_size");
        int hidden = HfConfig.requiredInt(json, "hidden_size", "n_embed");
        int layers = HfConfig.requiredInt(json, "n_layer", "num_hidden_layers");
        int heads = HfConfig.requiredInt(json, "n_head", "num_attention_heads");
        HfConfig.requireDivisible("hidden_size", hidden, "n_head", heads);
        double eps = HfConfig.optionalDouble(json, "layer_norm_epsilon", 1e-5);
        int bos = HfConfig.optionalInt(json, "bos_token_id", 1);
        int eos = HfConfig.optionalInt(json, "eos_token_id", 2);
        int context = HfConfig.positiveInt(json, "seq_length", 2048);
        BloomOptions.read(json); // validates the BLOOM-only fields now, naming any bad one
        return HfConfig.build(() -> new ModelConfig(name(), vocab, context, hidden, layers, heads, 4 * hidden, eps, bos,
                eos, json));
    }

    /**
     * A config.json {@code transformers.BloomForCausalLM} loads: the source config when there is one
     * (its BLOOM-only fields kept), HF's defaults otherwise, with the generic fields written over.
     */
    @Override
    public ObjectNode writeConfig(ModelConfig config) {
        ObjectNode o = HfConfig.startConfig(modelType(), "BloomForCausalLM", config.source(), d -> {
            d.put("apply_residual_connection_post_layernorm", false);
            d.put("hidden_dropout", 0.0);
            d.put("attention_dropout", 0.0);
            d.put("initializer_range", 0.02);
            d.put("pretraining_tp", 1);
            d.put("slow_but_exact", false);
            d.put("tie_word_embeddings", true);
            d.put("use_cache", true);
        });
        o.remove(java.util.List.of(ALIASES));
        o.put("vocab_size", config.vocabSize());
        o.put("hidden_size", config.hiddenSize());
        o.put("n_layer", config.numLayers());
        o.put("n_head", config.numHeads());
        o.put("layer_norm_epsilon", config.layerNormEps());
        o.put("seq_length", config.contextLength());
        HfConfig.putId(o, "bos_token_id", config.bosId());
        HfConfig.putId(o, "eos_token_id", config.eosId());
        return o;
    }

    @Override
    public LanguageModel init(ModelConfig config, NDManager manager, Rng rng) {
        return Bloom.init(config, manager, rng);
    }

    @Override
    public LanguageModel fromWeights(ModelConfig config, Map<String, NDArray> weights, NDManager manager) {
        return Bloom.fromWeights(config, weights, manager);
    }
}
