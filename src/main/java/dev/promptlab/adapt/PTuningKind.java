package dev.promptlab.adapt;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptlab.model.LanguageModel;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * PEFT P_TUNING files for {@link PTuning}: {@code prompt_embeddings} (P, C), the encoder's output
 * (PEFT's {@code get_prompt_embedding_to_save}, used as is in its inference mode), and PEFT's
 * PromptEncoderConfig keys. The encoder's own weights go to {@link AdapterFile#EXTRA}, so training
 * can continue from the directory.
 */
final class PTuningKind implements AdapterKind, TuningMethod {
    @Override
    public String method() {
        return PTuning.METHOD;
    }

    @Override
    public String peftType() {
        return "P_TUNING";
    }

    @Override
    public boolean handles(Adapter adapter) {
        return adapter instanceof PTuning;
    }

    @Override
    public void writeConfig(Adapter adapter, LanguageModel model, ObjectNode config) {
        PTuningConfig c = ((PTuning) adapter).config();
        PromptLearningKeys.put(config, c.length(), model.hiddenSize(), model.config().numHeads(), model.numLayers());
        config.put("encoder_reparameterization_type", c.encoder().name());
        config.put("encoder_hidden_size", PTuning.encoderHiddenSize(c, model));
        config.put("encoder_num_layers", 2);
        config.put("encoder_dropout", 0.0);
    }

    @Override
    public Map<String, NDArray> weights(Adapter adapter, LanguageModel model, NDManager scope) {
        return Map.of(PromptLearningKeys.PROMPT_EMBEDDINGS, ((PTuning) adapter).virtualEmbeddings(scope, model)); // (P, C)
    }

    @Override
    public Map<String, NDArray> extraWeights(Adapter adapter) {
        PTuning p = (PTuning) adapter;
        return p.hasEncoder() ? p.parameters() : Map.of();
    }

    @Override
    public Adapter read(JsonNode config, Map<String, NDArray> weights, Map<String, NDArray> extra, LanguageModel model,
            String file) {
        int p = PromptLearningKeys.check(config, file, "P-tuning prompt", model.hiddenSize(), 0, 0);
        NDArray output = PromptLearningKeys.promptEmbeddings(weights, file, p, model.hiddenSize());
        PTuningConfig.Encoder encoder;
        try {
            encoder = PTuningConfig.Encoder.parse(config.path("encoder_reparameterization_type").asText("MLP"));
        } catch (IllegalArgumentException e) {
            throw new AdapterException(file + ": " + e.getMessage(), e);
        }
        int layers = config.path("encoder_num_layers").asInt(2);
        if (encoder == PTuningConfig.Encoder.LSTM && layers != 2) {
            throw new AdapterException(file + ": encoder_num_layers " + layers + " is not supported (2 only)");
        }
        int hidden = config.path("encoder_hidden_size").asInt(0);
        PTuningConfig c = new PTuningConfig(p, encoder, Math.max(0, hidden));
        Map<String, NDArray> values = new LinkedHashMap<>();
        if (extra.isEmpty()) {
            values.put(PTuning.EMBEDDING, output);
            return PTuning.of(c, model, values, file);
        }
        return PTuning.of(c, model, extra, file.replace(AdapterFile.WEIGHTS, AdapterFile.EXTRA));
    }

    private static final MethodOption ENCODER_TYPE = MethodOption.value("--encoder-type", "TYPE",
            "the prompt encoder: mlp or lstm (default mlp)");

    @Override
    public List<MethodOption> options() {
        return List.of(MethodOption.PROMPT_LENGTH, ENCODER_TYPE, MethodOption.ENCODER_HIDDEN_SIZE);
    }

    @Override
    public MethodConfig parse(MethodOptions given) {
        return new PTuningConfig(given.integer(MethodOption.PROMPT_LENGTH.name(), 10),
                PTuningConfig.Encoder.parse(given.text(ENCODER_TYPE.name(), "mlp")),
                given.integer(MethodOption.ENCODER_HIDDEN_SIZE.name(), 0));
    }

    @Override
    public MethodConfig fromJson(JsonNode json) {
        return new PTuningConfig(json.path("prompt_length").asInt(), PTuningConfig.Encoder.parse(json.path("encoder_type").asText()),
                json.path("encoder_hidden_size").asInt());
    }
}
