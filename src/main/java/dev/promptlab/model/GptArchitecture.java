package dev.promptlab.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptlab.tensor.Rng;

import java.util.Map;
import java.util.List;

/**
 * GPT-2 ({@code model_type} "gpt2"): reads and writes Hugging Face's GPT-2 {@code config.json}
 * keys, so a saved model loads in {@code transformers.GPT2LMHeadModel} and real GPT-2 checkpoints
 * load here. Keys read: {@code vocab_size}, {@code n_positions} (or the older {@code n_ctx}),
 * {@code n_embd}, {@code n_layer}, {@code n_head}, {@code n_inner} (null → 4·n_embd),
 * {@code layer_norm_epsilon} (default 1e-5), {@code activation_function} (gelu_new and its
 * equivalents only), {@code bos_token_id}, {@code eos_token_id} (absent → -1). Variants this
 * implementation does not compute ({@code scale_attn_by_inverse_layer_idx}, unscaled attention)
 * are rejected, naming the field.
 */
public final class GptArchitecture implements Architecture {
    private static final List<String> TANH_GELU = List.of("gelu_new", "gelu_pytorch_tanh", "gelu_fast");

    @Override
    public String name() {
        return "gpt";
    }

    @Override
    public String modelType() {
        return "gpt2";
    }

    @Override
    public ModelConfig readConfig(JsonNode json) {
        int c = ConfigFields.requiredInt(json, "n_embd");
        int positions = json.hasNonNull("n_positions") ? ConfigFields.requiredInt(json, "n_positions")
                : ConfigFields.requiredInt(json, "n_ctx");
        String act = ConfigFields.optionalString(json, "activation_function", "gelu_new");
        if (!TANH_GELU.contains(act)) {
            throw new IllegalArgumentException("config.json: field 'activation_function' is '" + act
                    + "'; gpt computes the tanh GELU only (" + String.join(", ", TANH_GELU) + ")");
        }
        if (ConfigFields.optionalBoolean(json, "scale_attn_by_inverse_layer_idx", false)) {
            throw new IllegalArgumentException("config.json: field 'scale_attn_by_inverse_layer_idx' = true is not supported");
        }
        if (!ConfigFields.optionalBoolean(json, "scale_attn_weights", true)) {
            throw new IllegalArgumentException("config.json: field 'scale_attn_weights' = false is not supported");
        }
        int vocab = ConfigFields.requiredInt(json, "vocab_size");
        int layers = ConfigFields.requiredInt(json, "n_layer");
        int heads = ConfigFields.requiredInt(json, "n_head");
        int inner = ConfigFields.optionalInt(json, "n_inner", 4 * c);
        double eps = ConfigFields.optionalDouble(json, "layer_norm_epsilon", 1e-5);
        int bos = ConfigFields.optionalInt(json, "bos_token_id", -1);
        int eos = ConfigFields.optionalInt(json, "eos_token_id", -1);
        if (heads <= 0) {
            throw new IllegalArgumentException("config.json: field 'n_head' must be positive, got " + heads);
        }
        if (inner <= 0) {
            throw new IllegalArgumentException("config.json: field 'n_inner' must be positive, got " + inner);
        }
        return ConfigFields.build(() -> new ModelConfig(name(), vocab, positions, c, layers, heads, inner, eps, bos, eos));
    }

    @Override
    public ObjectNode writeConfig(ModelConfig config) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("model_type", modelType());
        o.putArray("architectures").add("GPT2LMHeadModel");
        o.put("vocab_size", config.vocabSize());
        o.put("n_positions", config.contextLength());
        o.put("n_embd", config.hiddenSize());
        o.put("n_layer", config.numLayers());
        o.put("n_head", config.numHeads());
        if (config.innerSize() == 4 * config.hiddenSize()) {
            o.putNull("n_inner");
        } else {
            o.put("n_inner", config.innerSize());
        }
        o.put("layer_norm_epsilon", config.layerNormEps());
        o.put("activation_function", "gelu_new");
        putId(o, "bos_token_id", config.bosId());
        putId(o, "eos_token_id", config.eosId());
        o.put("resid_pdrop", 0.0);
        o.put("embd_pdrop", 0.0);
        o.put("attn_pdrop", 0.0);
        o.put("summary_first_dropout", 0.0);
        o.put("initializer_range", 0.02);
        o.put("scale_attn_weights", true);
        o.put("tie_word_embeddings", true);
        o.put("use_cache", true);
        return o;
    }

    static void putId(ObjectNode o, String key, int id) {
        if (id < 0) {
            o.putNull(key);
        } else {
            o.put(key, id);
        }
    }

    @Override
    public LanguageModel init(ModelConfig config, NDManager manager, Rng rng) {
        return Gpt.init(config, manager, rng);
    }

    @Override
    public LanguageModel fromWeights(ModelConfig config, Map<String, NDArray> weights, NDManager manager) {
        return Gpt.fromWeights(config, weights, manager);
    }
}
