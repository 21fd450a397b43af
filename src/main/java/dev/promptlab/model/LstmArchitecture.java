package dev.promptlab.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptlab.tensor.Rng;

import java.util.Map;

/**
 * The word-level LSTM ({@code model_type} "promptlab-lstm"). {@code config.json} keys, named
 * after Hugging Face's common ones: {@code model_type}, {@code architectures}
 * (["PromptlabLstmLM"], informative), {@code vocab_size}, {@code hidden_size} (C, also the
 * embedding size), {@code num_hidden_layers} (L), {@code max_position_embeddings} (a length
 * limit only: an LSTM has no position table), {@code layer_norm_epsilon} (default 1e-5),
 * {@code bos_token_id}, {@code eos_token_id} (null → -1), {@code tie_word_embeddings} (must be
 * true).
 */
public final class LstmArchitecture implements Architecture {
    @Override
    public String name() {
        return "lstm";
    }

    @Override
    public String modelType() {
        return "promptlab-lstm";
    }

    @Override
    public ModelConfig readConfig(JsonNode json) {
        int vocab = ConfigFields.requiredInt(json, "vocab_size");
        int c = ConfigFields.requiredInt(json, "hidden_size");
        int layers = ConfigFields.requiredInt(json, "num_hidden_layers");
        int positions = ConfigFields.requiredInt(json, "max_position_embeddings");
        double eps = ConfigFields.optionalDouble(json, "layer_norm_epsilon", 1e-5);
        int bos = ConfigFields.optionalInt(json, "bos_token_id", -1);
        int eos = ConfigFields.optionalInt(json, "eos_token_id", -1);
        if (!ConfigFields.optionalBoolean(json, "tie_word_embeddings", true)) {
            throw new IllegalArgumentException("config.json: field 'tie_word_embeddings' = false is not supported (lstm ties input and output embeddings)");
        }
        return ConfigFields.build(() -> new ModelConfig(name(), vocab, positions, c, layers, 0, 0, eps, bos, eos));
    }

    @Override
    public ObjectNode writeConfig(ModelConfig config) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("model_type", modelType());
        o.putArray("architectures").add("PromptlabLstmLM");
        o.put("vocab_size", config.vocabSize());
        o.put("hidden_size", config.hiddenSize());
        o.put("num_hidden_layers", config.numLayers());
        o.put("max_position_embeddings", config.contextLength());
        o.put("layer_norm_epsilon", config.layerNormEps());
        GptArchitecture.putId(o, "bos_token_id", config.bosId());
        GptArchitecture.putId(o, "eos_token_id", config.eosId());
        o.put("tie_word_embeddings", true);
        return o;
    }

    @Override
    public LanguageModel init(ModelConfig config, NDManager manager, Rng rng) {
        return Lstm.init(config, manager, rng);
    }

    @Override
    public LanguageModel fromWeights(ModelConfig config, Map<String, NDArray> weights, NDManager manager) {
        return Lstm.fromWeights(config, weights, manager);
    }

    @Override
    public boolean attention() {
        return false;
    }
}
