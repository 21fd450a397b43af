package dev.promptlab.model.hf.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptlab.model.Architecture;
import dev.promptlab.model.LanguageModel;
import dev.promptlab.model.ModelConfig;
import dev.promptlab.tensor.Rng;

import java.util.List;
import java.util.Map;

/**
 * The llama family ({@code model_type} "llama", "mistral", "qwen2"; promptlab name "llama"):
 * Hugging Face {@code LlamaForCausalLM}, {@code MistralForCausalLM} and {@code Qwen2ForCausalLM}
 * checkpoints load here, and a saved model loads in transformers.
 *
 * <p>Generic fields: {@code vocab_size}, {@code hidden_size}, {@code intermediate_size}, {@code
 * num_hidden_layers}, {@code num_attention_heads} (required); {@code max_position_embeddings}
 * (transformers' default per type when absent), {@code rms_norm_eps} (1e-6), {@code
 * bos_token_id} / {@code eos_token_id} (a list counts by its first id; absent → -1). The family's
 * own fields stay in {@link ModelConfig#source()} and are read by {@link LlamaSettings}:
 * num_key_value_heads, head_dim, rope_theta, rope_scaling (null, default, linear, llama3),
 * tie_word_embeddings, attention_bias / mlp_bias (llama), the fixed q/k/v biases of qwen2, and
 * sliding_window (mistral; qwen2 with use_sliding_window), accepted but refused at forward time
 * once a call spans more positions than the window. Rejected, naming the field: hidden_act other
 * than silu, partial_rotary_factor other than 1, other rope_scaling types, kv heads that do not
 * divide the query heads, an odd head size.
 */
public final class LlamaArchitecture implements Architecture {
    @Override
    public String name() {
        return "llama";
    }

    @Override
    public String modelType() {
        return "llama";
    }

    @Override
    public List<String> modelTypes() {
        return LlamaSettings.MODEL_TYPES;
    }

    @Override
    public ModelConfig readConfig(JsonNode json) {
        if (json == null || !json.isObject()) {
            throw new IllegalArgumentException("config.json must hold a JSON object");
        }
        ConfigJson f = new ConfigJson(json);
        int vocab = f.positive("vocab_size", 0);
        int hidden = f.positive("hidden_size", 0);
        int inner = f.positive("intermediate_size", 0);
        int layers = f.positive("num_hidden_layers", 0);
        int heads = f.positive("num_attention_heads", 0);
        LlamaSettings s = LlamaSettings.read(json, heads, hidden);
        int positions = f.positive("max_position_embeddings", switch (s.modelType()) {
            case "mistral" -> 4096 * 32;
            case "qwen2" -> 32768;
            default -> 2048;
        });
        double eps = f.number("rms_norm_eps", 1e-6);
        if (!(eps > 0)) {
            throw ConfigJson.bad("rms_norm_eps", "must be positive, got " + eps);
        }
        int bos = f.tokenId("bos_token_id");
        int eos = f.tokenId("eos_token_id");
        try {
            return new ModelConfig(name(), vocab, positions, hidden, layers, heads, inner, eps, bos, eos,
                    (ObjectNode) json);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("config.json: " + e.getMessage(), e);
        }
    }

    /**
     * The source config.json with any generic field the config changed written back (so every
     * field transformers reads survives a save), or, for a model promptlab created, a complete
     * LlamaConfig with transformers' defaults spelled out.
     */
    @Override
    public ObjectNode writeConfig(ModelConfig config) {
        ObjectNode out;
        ModelConfig was;
        if (config.source() != null) {
            out = config.source().deepCopy();
            was = readConfig(out);
        } else {
            out = fresh(config);
            was = null;
        }
        LlamaSettings s = LlamaSettings.of(config);
        out.put("model_type", s.modelType());
        if (!out.has("architectures")) {
            out.putArray("architectures").add(switch (s.modelType()) {
                case "mistral" -> "MistralForCausalLM";
                case "qwen2" -> "Qwen2ForCausalLM";
                default -> "LlamaForCausalLM";
            });
        }
        putIfChanged(out, "vocab_size", config.vocabSize(), was == null ? null : was.vocabSize());
        putIfChanged(out, "max_position_embeddings", config.contextLength(), was == null ? null : was.contextLength());
        putIfChanged(out, "hidden_size", config.hiddenSize(), was == null ? null : was.hiddenSize());
        putIfChanged(out, "num_hidden_layers", config.numLayers(), was == null ? null : was.numLayers());
        putIfChanged(out, "num_attention_heads", config.numHeads(), was == null ? null : was.numHeads());
        putIfChanged(out, "intermediate_size", config.innerSize(), was == null ? null : was.innerSize());
        putIfChanged(out, "bos_token_id", config.bosId(), was == null ? null : was.bosId());
        putIfChanged(out, "eos_token_id", config.eosId(), was == null ? null : was.eosId());
        if (was == null || was.layerNormEps() != config.layerNormEps()) {
            out.put("rms_norm_eps", config.layerNormEps());
        }
        return out;
    }

    /** Writes {@code value} unless the source already says {@code before} (keeps lists of eos ids). */
    private static void putIfChanged(ObjectNode out, String key, int value, Integer before) {
        if (before != null && before == value) {
            return;
        }
        if (value < 0) {
            out.putNull(key);
        } else {
            out.put(key, value);
        }
    }

    /** transformers' LlamaConfig defaults for the fields promptlab has no value of its own for. */
    private static ObjectNode fresh(ModelConfig config) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("model_type", "llama");
        o.putArray("architectures").add("LlamaForCausalLM");
        o.put("num_key_value_heads", config.numHeads());
        o.put("head_dim", config.headSize());
        o.put("hidden_act", "silu");
        o.put("rope_theta", 10000.0);
        o.putNull("rope_scaling");
        o.put("tie_word_embeddings", false);
        o.put("attention_bias", false);
        o.put("mlp_bias", false);
        o.put("attention_dropout", 0.0);
        o.put("initializer_range", 0.02);
        o.put("pretraining_tp", 1);
        o.put("use_cache", true);
        o.put("torch_dtype", "float32");
        return o;
    }

    @Override
    public LanguageModel init(ModelConfig config, NDManager manager, Rng rng) {
        return Llama.init(config, manager, rng);
    }

    @Override
    public LanguageModel fromWeights(ModelConfig config, Map<String, NDArray> weights, NDManager manager) {
        return Llama.fromWeights(config, weights, manager);
    }
}
