package dev.promptlab.model.hf.opt;

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
 * OPT ({@code model_type} "opt", HF {@code OPTForCausalLM}). Keys read: {@code vocab_size},
 * {@code hidden_size}, {@code num_hidden_layers}, {@code num_attention_heads}, {@code ffn_dim},
 * {@code max_position_embeddings} (all required), {@code bos_token_id} / {@code eos_token_id}
 * (HF's default 2), and the OPT-only {@code word_embed_proj_dim}, {@code do_layer_norm_before},
 * {@code _remove_final_layer_norm}, {@code pad_token_id}, {@code init_std} (see {@link
 * OptOptions}). Rejected, naming the field: an activation other than relu, {@code enable_bias} or
 * {@code layer_norm_elementwise_affine} false, untied embeddings. LayerNorm epsilon is 1e-5 (OPT
 * uses torch's default and has no config key for it).
 */
public final class OptArchitecture implements Architecture {
    @Override
    public String name() {
        return Opt.ARCH;
    }

    @Override
    public String modelType() {
        return "opt";
    }

    @Override
    public ModelConfig readConfig(JsonNode configJson) {
        ObjectNode json = HfConfig.object(configJson);
        int vocab = HfConfig.requiredInt(json, "vocab_size");
        int hidden = HfConfig.requiredInt(json, "hidden_size");
        int layers = HfConfig.requiredInt(json, "num_hidden_layers");
        int heads = HfConfig.requiredInt(json, "num_attention_heads");
        int ffn = HfConfig.requiredInt(json, "ffn_dim");
        int positions = HfConfig.requiredInt(json, "max_position_embeddings");
        HfConfig.requireDivisible("hidden_size", hidden, "num_attention_heads", heads);
        HfConfig.positiveInt(json, "ffn_dim", ffn);
        HfConfig.positiveInt(json, "max_position_embeddings", positions);
        int bos = HfConfig.optionalInt(json, "bos_token_id", 2);
        int eos = HfConfig.optionalInt(json, "eos_token_id", 2);
        OptOptions.read(json, hidden, vocab); // validates the OPT-only fields now, naming any bad one
        return HfConfig.build(() -> new ModelConfig(name(), vocab, positions, hidden, layers, heads, ffn, 1e-5, bos, eos,
                json));
    }

    /**
     * A config.json {@code transformers.OPTForCausalLM} loads: the source config when there is one
     * (its OPT-only fields kept), HF's OPT defaults otherwise, with the generic fields written over.
     */
    @Override
    public ObjectNode writeConfig(ModelConfig config) {
        ObjectNode o = HfConfig.startConfig(modelType(), "OPTForCausalLM", config.source(), d -> {
            d.put("do_layer_norm_before", true);
            d.put("_remove_final_layer_norm", false);
            d.put("word_embed_proj_dim", config.hiddenSize());
            d.put("activation_function", "relu");
            d.put("enable_bias", true);
            d.put("layer_norm_elementwise_affine", true);
            d.put("dropout", 0.0);
            d.put("attention_dropout", 0.0);
            d.put("layerdrop", 0.0);
            d.put("init_std", 0.02);
            HfConfig.putId(d, "pad_token_id", config.vocabSize() > 1 ? 1 : -1);
            d.put("tie_word_embeddings", true);
            d.put("use_cache", true);
        });
        o.put("vocab_size", config.vocabSize());
        o.put("hidden_size", config.hiddenSize());
        o.put("num_hidden_layers", config.numLayers());
        o.put("num_attention_heads", config.numHeads());
        o.put("ffn_dim", config.innerSize());
        o.put("max_position_embeddings", config.contextLength());
        HfConfig.putId(o, "bos_token_id", config.bosId());
        HfConfig.putId(o, "eos_token_id", config.eosId());
        return o;
    }

    @Override
    public LanguageModel init(ModelConfig config, NDManager manager, Rng rng) {
        return Opt.init(config, manager, rng);
    }

    @Override
    public LanguageModel fromWeights(ModelConfig config, Map<String, NDArray> weights, NDManager manager) {
        return Opt.fromWeights(config, weights, manager);
    }
}
