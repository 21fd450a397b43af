package dev.promptlab.model.hf.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptlab.model.ModelConfig;
import dev.promptlab.tensor.Rng;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Tiny llama-family configs in Hugging Face's config.json form, and models over deliberately
 * large random weights (std 0.3, norm gains around 1, biases std 0.1), so that every component
 * visibly moves the log-probabilities; the real init (std 0.02) would leave them almost uniform.
 */
final class LlamaTiny {
    static final ObjectMapper JSON = new ObjectMapper();
    static final LlamaArchitecture ARCH = new LlamaArchitecture();

    private LlamaTiny() {}

    /** Llama with grouped-query attention: hidden 32, 4 query heads, 2 key/value heads, 2 layers, vocab 96, untied. */
    static ObjectNode llamaJson() {
        ObjectNode o = JSON.createObjectNode();
        o.put("model_type", "llama");
        o.putArray("architectures").add("LlamaForCausalLM");
        o.put("vocab_size", 96);
        o.put("hidden_size", 32);
        o.put("intermediate_size", 64);
        o.put("num_hidden_layers", 2);
        o.put("num_attention_heads", 4);
        o.put("num_key_value_heads", 2);
        o.put("max_position_embeddings", 64);
        o.put("rms_norm_eps", 1e-5);
        o.put("rope_theta", 10000.0);
        o.putNull("rope_scaling");
        o.put("hidden_act", "silu");
        o.put("attention_bias", false);
        o.put("mlp_bias", false);
        o.put("tie_word_embeddings", false);
        o.put("bos_token_id", 1);
        o.put("eos_token_id", 2);
        o.put("initializer_range", 0.02);
        o.put("torch_dtype", "float32");
        return o;
    }

    /** Qwen2 with q/k/v biases, one key/value head (multi-query), tied embeddings, rope_theta 1e6. */
    /** llama with llama3 rope_scaling: wavelengths 6, 20, 63, 199 at theta 100 are kept, blended, blended, scaled. */
    static ObjectNode llama3ScaledJson() {
        ObjectNode llama3 = llamaJson();
        llama3.put("rope_theta", 100.0);
        ObjectNode scaling = llama3.putObject("rope_scaling");
        scaling.put("rope_type", "llama3");
        scaling.put("factor", 8.0);
        scaling.put("low_freq_factor", 1.0);
        scaling.put("high_freq_factor", 4.0);
        scaling.put("original_max_position_embeddings", 64);
        return llama3;
    }

    /** mistral with an explicit head_dim (12, not hidden / heads = 8) and linear rope_scaling. */
    static ObjectNode mistralHeadDimJson() {
        ObjectNode mistral = llamaJson();
        mistral.put("model_type", "mistral");
        mistral.remove("attention_bias");
        mistral.remove("mlp_bias");
        mistral.put("head_dim", 12);
        mistral.put("rope_theta", 50.0);
        mistral.putObject("rope_scaling").put("type", "linear").put("factor", 2.5);
        mistral.put("sliding_window", 4096);
        return mistral;
    }

    /** qwen2 with a small rope_theta (30), so the rotation differs visibly between positions. */
    static ObjectNode qwen2ThetaJson() {
        ObjectNode qwen2 = qwen2Json();
        qwen2.put("rope_theta", 30.0);
        return qwen2;
    }

    static ObjectNode qwen2Json() {
        ObjectNode o = llamaJson();
        o.put("model_type", "qwen2");
        o.putArray("architectures").add("Qwen2ForCausalLM");
        o.remove("attention_bias");
        o.remove("mlp_bias");
        o.put("num_key_value_heads", 1);
        o.put("rope_theta", 1000000.0);
        o.put("rms_norm_eps", 1e-6);
        o.put("tie_word_embeddings", true);
        o.put("use_sliding_window", false);
        o.put("sliding_window", 32);
        o.put("max_window_layers", 2);
        return o;
    }

    static ModelConfig config(ObjectNode json) {
        return ARCH.readConfig(json);
    }

    /** A model of {@code json}'s config over large random weights (its own child manager of {@code manager}). */
    static Llama model(ObjectNode json, NDManager manager, long seed) {
        ModelConfig c = config(json);
        return Llama.fromWeights(c, random(c, manager, seed), manager.newSubManager());
    }

    static Map<String, NDArray> random(ModelConfig c, NDManager manager, long seed) {
        Rng rng = new Rng(seed);
        Map<String, NDArray> w = new LinkedHashMap<>();
        for (Map.Entry<String, Shape> e : Llama.expectedShapes(c).entrySet()) {
            Shape s = e.getValue();
            boolean norm = e.getKey().endsWith("norm.weight");
            float[] v = rng.gaussians((int) s.size(), norm || e.getKey().endsWith(".bias") ? 0.1 : 0.3);
            if (norm) {
                for (int i = 0; i < v.length; i++) {
                    v[i] += 1f;
                }
            }
            w.put(e.getKey(), manager.create(v, s));
        }
        return w;
    }
}
