package dev.promptlab.model.hf.llama;

import com.fasterxml.jackson.databind.JsonNode;
import dev.promptlab.model.ModelConfig;
import dev.promptlab.model.hf.Rotary;

import java.util.List;

/**
 * What the llama family adds to {@link ModelConfig}: read from the config's {@code source}
 * ({@code config.json}), or Hugging Face's llama defaults for a model promptlab created itself.
 *
 * @param modelType "llama", "mistral" or "qwen2"
 * @param kvHeads key/value heads (grouped-query attention: a divisor of the query heads)
 * @param headDim size of one head ({@code head_dim}, else hidden / heads)
 * @param inverseFrequencies RoPE frequencies per rotated pair (headDim / 2), rope_scaling applied
 * @param tied whether the output projection is the input embedding matrix
 * @param qkvBias whether q_proj, k_proj and v_proj have biases (qwen2; llama's attention_bias)
 * @param outBias whether o_proj has a bias (llama's attention_bias)
 * @param mlpBias whether gate_proj, up_proj and down_proj have biases (llama's mlp_bias)
 * @param slidingWindow attention window of mistral / qwen2 (0: none or unused); not implemented, so a
 *     forward pass over more positions than the window is refused (within it, the window has no
 *     effect and the result is exact)
 * @param initStd standard deviation of fresh weights ({@code initializer_range})
 */
record LlamaSettings(String modelType, int kvHeads, int headDim, double[] inverseFrequencies, boolean tied,
        boolean qkvBias, boolean outBias, boolean mlpBias, int slidingWindow, double initStd) {

    static final List<String> MODEL_TYPES = List.of("llama", "mistral", "qwen2");
    private static final List<String> SILU = List.of("silu", "swish");
    private static final double DEFAULT_THETA = 10000.0;

    /** The settings of {@code config}: from its source config.json, or llama defaults without one. */
    static LlamaSettings of(ModelConfig config) {
        if (config.source() != null) {
            return read(config.source(), config.numHeads(), config.hiddenSize());
        }
        int d = config.headSize();
        return new LlamaSettings("llama", config.numHeads(), d, ropeFrequencies(null, d, DEFAULT_THETA), false,
                false, false, false, 0, 0.02);
    }

    /**
     * Reads and validates the llama-specific fields of {@code config.json}; {@code heads} and
     * {@code hidden} are its num_attention_heads and hidden_size.
     */
    static LlamaSettings read(JsonNode json, int heads, int hidden) {
        ConfigJson f = new ConfigJson(json);
        String type = f.text("model_type", "llama");
        if (!MODEL_TYPES.contains(type)) {
            throw ConfigJson.bad("model_type", "is '" + type + "'; the llama family reads " + MODEL_TYPES);
        }
        String act = f.text("hidden_act", "silu");
        if (!SILU.contains(act)) {
            throw ConfigJson.bad("hidden_act", "is '" + act + "'; the llama family computes SwiGLU with silu only");
        }
        // Defaults of transformers' LlamaConfig, MistralConfig and Qwen2Config when the key is absent.
        int kvDefault = switch (type) {
            case "mistral" -> 8;
            case "qwen2" -> 32;
            default -> heads;
        };
        int kv = f.positive("num_key_value_heads", kvDefault);
        if (heads % kv != 0) {
            throw ConfigJson.bad("num_key_value_heads", "(" + kv + ") must divide num_attention_heads (" + heads
                    + ") for grouped-query attention");
        }
        if (!f.has("head_dim") && hidden % heads != 0) {
            throw ConfigJson.bad("hidden_size", "(" + hidden + ") must be divisible by num_attention_heads (" + heads
                    + ") when head_dim is not given");
        }
        int d = f.positive("head_dim", hidden / heads);
        if (d % 2 != 0) {
            throw ConfigJson.bad("head_dim", "must be even for rotary embeddings, got " + d);
        }
        if (f.number("partial_rotary_factor", 1.0) != 1.0) {
            throw ConfigJson.bad("partial_rotary_factor", "must be 1 (rotary embeddings over the whole head), got "
                    + f.get("partial_rotary_factor"));
        }
        double theta = f.number("rope_theta", DEFAULT_THETA);
        if (!(theta > 1.0)) {
            throw ConfigJson.bad("rope_theta", "must be greater than 1, got " + theta);
        }
        double[] inv = ropeFrequencies(f.get("rope_scaling"), d, theta);
        boolean llama = type.equals("llama");
        boolean attentionBias = llama && f.flag("attention_bias", false);
        boolean qkvBias = type.equals("qwen2") || attentionBias;
        boolean mlpBias = llama && f.flag("mlp_bias", false);
        int window = 0;
        // Mistral windows every layer; qwen2 only with use_sliding_window, and only layers from
        // max_window_layers on (transformers' default 28), so a model with fewer layers has none.
        boolean qwenWindow = type.equals("qwen2") && f.flag("use_sliding_window", false)
                && f.integer("max_window_layers", 28) < f.integer("num_hidden_layers", 0);
        if (type.equals("mistral") || qwenWindow) {
            window = f.integer("sliding_window", 0);
            if (window < 0) {
                throw ConfigJson.bad("sliding_window", "must be positive or null, got " + window);
            }
        }
        double std = f.number("initializer_range", 0.02);
        return new LlamaSettings(type, kv, d, inv, f.flag("tie_word_embeddings", false), qkvBias, attentionBias,
                mlpBias, window, std);
    }

    /**
     * RoPE inverse frequencies ({@link Rotary#frequencies}), then rope_scaling as transformers'
     * {@code ROPE_INIT_FUNCTIONS} computes it: null or "default" leaves them; "linear" divides
     * them by {@code factor} (position interpolation); "llama3" divides the low frequencies by
     * {@code factor}, keeps the high ones and blends in between. Other types ("dynamic", "yarn",
     * "longrope", ...) change the attention or depend on the sequence length and are refused.
     */
    static double[] ropeFrequencies(JsonNode scaling, int d, double theta) {
        double[] inv = Rotary.frequencies(theta, d);
        if (scaling == null || scaling.isNull()) {
            return inv;
        }
        if (!scaling.isObject()) {
            throw ConfigJson.bad("rope_scaling", "must be an object or null, got " + scaling);
        }
        ConfigJson s = new ConfigJson(scaling);
        String type = s.has("rope_type") ? s.text("rope_type", null) : s.text("type", "default");
        switch (type) {
            case "default":
                return inv;
            case "linear":
                return Rotary.linear(inv, scalingNumber(s, "factor"));
            case "llama3": {
                double factor = scalingNumber(s, "factor");
                double low = scalingNumber(s, "low_freq_factor");
                double high = scalingNumber(s, "high_freq_factor");
                double original = scalingNumber(s, "original_max_position_embeddings");
                if (!(high > low)) {
                    throw ConfigJson.bad("rope_scaling", "needs high_freq_factor > low_freq_factor, got " + high
                            + " and " + low);
                }
                return Rotary.llama3(inv, factor, low, high, original);
            }
            default:
                throw ConfigJson.bad("rope_scaling", "has type '" + type
                        + "'; supported: null, \"default\", \"linear\", \"llama3\"");
        }
    }

    private static double scalingNumber(ConfigJson s, String key) {
        double v = s.number(key, Double.NaN);
        if (!(v > 0)) {
            throw ConfigJson.bad("rope_scaling", "needs a positive '" + key + "', got " + s.get(key));
        }
        return v;
    }
}
