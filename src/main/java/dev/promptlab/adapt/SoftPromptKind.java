package dev.promptlab.adapt;

import ai.djl.ndarray.NDArray;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptlab.model.LanguageModel;

import java.util.List;
import java.util.Map;

/** PEFT PROMPT_TUNING files for {@link SoftPrompt}. */
final class SoftPromptKind implements AdapterKind, TuningMethod {
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
        PromptLearningKeys.put(config, c.length(), model.hiddenSize(), model.config().numHeads(), model.numLayers());
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
    public Map<String, NDArray> weights(Adapter adapter, LanguageModel model, ai.djl.ndarray.NDManager scope) {
        return adapter.parameters();
    }

    @Override
    public Adapter read(JsonNode config, Map<String, NDArray> weights, Map<String, NDArray> extra, LanguageModel model,
            String file) {
        int p = PromptLearningKeys.check(config, file, "soft prompt", model.hiddenSize(), 0, 0);
        NDArray values = PromptLearningKeys.promptEmbeddings(weights, file, p, model.hiddenSize());
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

    private static final MethodOption INIT = MethodOption.value("--init", "HOW",
            "how the prompt starts: random, vocab (rows of the embedding matrix) or text (default vocab)");
    private static final MethodOption INIT_TEXT = MethodOption.value("--init-text", "TEXT",
            "the text whose token embeddings start the prompt (with --init text)");

    @Override
    public List<MethodOption> options() {
        return List.of(MethodOption.PROMPT_LENGTH, INIT, INIT_TEXT);
    }

    @Override
    public MethodConfig parse(MethodOptions given) {
        return new SoftPromptConfig(given.integer(MethodOption.PROMPT_LENGTH.name(), 10),
                SoftPromptConfig.Init.parse(given.text(INIT.name(), "vocab")), given.text(INIT_TEXT.name(), null));
    }

    @Override
    public MethodConfig fromJson(JsonNode json) {
        return new SoftPromptConfig(json.path("prompt_length").asInt(), SoftPromptConfig.Init.parse(json.path("init").asText()),
                json.hasNonNull("init_text") ? json.get("init_text").asText() : null);
    }
}
