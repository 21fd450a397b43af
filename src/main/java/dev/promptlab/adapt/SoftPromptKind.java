package dev.promptlab.adapt;

import ai.djl.ndarray.NDArray;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptlab.model.LanguageModel;

import java.util.Map;

/** PEFT PROMPT_TUNING files for {@link SoftPrompt}. */
final class SoftPromptKind implements AdapterKind {
    @Override
    public String method() {
        return SoftPrompt.METHOD;
    }

    @Override
    public String peftType() {
        return "PROMPT_TUNING";
    }

    @Override
    public boolean handles(Adapter adapter) {
        return adapter instanceof SoftPrompt;
    }

    @Override
    public void writeConfig(Adapter adapter, LanguageModel model, ObjectNode config) {
        SoftPromptConfig c = ((SoftPrompt) adapter).config();
        config.put("num_virtual_tokens", c.length());
        config.put("token_dim", model.hiddenSize());
        config.put("num_transformer_submodules", 1);
        config.put("num_attention_heads", model.config().numHeads());
        config.put("num_layers", model.numLayers());
        config.put("prompt_tuning_init", c.init().name());
        if (c.init() == SoftPromptConfig.Init.TEXT) {
            config.put("prompt_tuning_init_text", c.initText());
        } else {
            config.putNull("prompt_tuning_init_text");
        }
        config.putNull("tokenizer_name_or_path");
        config.putNull("tokenizer_kwargs");
    }

    @Override
    public Map<String, NDArray> weights(Adapter adapter) {
        return adapter.parameters();
    }

    @Override
    public Adapter read(JsonNode config, Map<String, NDArray> weights, LanguageModel model, String file) {
        int p = AdapterFile.requiredInt(config, "num_virtual_tokens", file);
        int dim = AdapterFile.requiredInt(config, "token_dim", file);
        if (dim != model.hiddenSize()) {
            throw new AdapterException(file + ": the soft prompt was trained for a model with hidden size " + dim
                    + " (token_dim), but this model has hidden size " + model.hiddenSize());
        }
        int submodules = config.path("num_transformer_submodules").asInt(1);
        if (submodules != 1) {
            throw new AdapterException(file + ": num_transformer_submodules " + submodules
                    + " (encoder-decoder prompts) is not supported; causal LMs use 1");
        }
        NDArray values = weights.get(SoftPrompt.WEIGHT);
        if (values == null) {
            throw new AdapterException(file + ": no tensor '" + SoftPrompt.WEIGHT + "' (found " + weights.keySet() + ")");
        }
        if (values.getShape().dimension() != 2 || values.getShape().get(0) != p || values.getShape().get(1) != dim) {
            throw new AdapterException(file + ": '" + SoftPrompt.WEIGHT + "' has shape " + values.getShape()
                    + " but adapter_config.json says (" + p + ", " + dim + ")");
        }
        String initName = config.path("prompt_tuning_init").asText("RANDOM");
        SoftPromptConfig.Init init;
        try {
            init = SoftPromptConfig.Init.valueOf(initName);
        } catch (IllegalArgumentException e) {
            throw new AdapterException(file + ": prompt_tuning_init '" + initName
                    + "' is not one of RANDOM, SAMPLE_VOCAB, TEXT");
        }
        String text = config.path("prompt_tuning_init_text").isTextual()
                ? config.path("prompt_tuning_init_text").asText() : null;
        if (init == SoftPromptConfig.Init.TEXT && (text == null || text.isBlank())) {
            init = SoftPromptConfig.Init.RANDOM; // the values are what matter once trained
            text = null;
        }
        if (init != SoftPromptConfig.Init.TEXT) {
            text = null;
        }
        return SoftPrompt.of(new SoftPromptConfig(p, init, text), values, model);
    }
}
