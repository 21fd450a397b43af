package dev.promptlab.adapt;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptlab.model.LanguageModel;

import java.util.List;
import java.util.Map;

/**
 * PEFT PREFIX_TUNING files for {@link PrefixTuning}. PEFT saves one tensor for every prompt-learning
 * method, {@code prompt_embeddings}: here the prefix (P, 2·L·D) after the projection if any (PEFT's
 * {@code get_prompt_embedding_to_save}), which PEFT's inference mode uses as is. The config has
 * PEFT's keys, with token_dim = D = kvHeads·headSize and num_attention_heads = kvHeads as PEFT's
 * {@code _prepare_prompt_learning_config} sets them for grouped-query attention. The projection's
 * own weights go to {@link AdapterFile#EXTRA}; without that file a projected prefix loads as its
 * computed values (what PEFT does in inference mode).
 */
final class PrefixKind implements AdapterKind, TuningMethod {
    @Override
    public String method() {
        return PrefixTuning.METHOD;
    }

    @Override
    public String peftType() {
        return "PREFIX_TUNING";
    }

    @Override
    public boolean handles(Adapter adapter) {
        return adapter instanceof PrefixTuning;
    }

    @Override
    public void writeConfig(Adapter adapter, LanguageModel model, ObjectNode config) {
        PrefixConfig c = ((PrefixTuning) adapter).config();
        PromptLearningKeys.put(config, c.length(), PrefixTuning.tokenDim(model), model.numKeyValueHeads(),
                model.numLayers());
        config.put("encoder_hidden_size", PrefixTuning.encoderHiddenSize(c, model));
        config.put("prefix_projection", c.projection());
    }

    @Override
    public Map<String, NDArray> weights(Adapter adapter, LanguageModel model, NDManager scope) {
        return Map.of(PromptLearningKeys.PROMPT_EMBEDDINGS, ((PrefixTuning) adapter).flat(scope)); // (P, 2LD)
    }

    @Override
    public Map<String, NDArray> extraWeights(Adapter adapter) {
        PrefixTuning prefix = (PrefixTuning) adapter;
        return prefix.config().projection() ? prefix.parameters() : Map.of();
    }

    @Override
    public Adapter read(JsonNode config, Map<String, NDArray> weights, Map<String, NDArray> extra, LanguageModel model,
            String file) {
        if (!model.supportsKvPrefix()) {
            throw new AdapterException(file + ": a prefix-tuning adapter needs a model with attention layers; "
                    + model.config().arch() + " has none");
        }
        int d = PrefixTuning.tokenDim(model);
        int p = PromptLearningKeys.check(config, file, "prefix", d, model.numKeyValueHeads(), model.numLayers());
        NDArray flat = PromptLearningKeys.promptEmbeddings(weights, file, p, 2L * model.numLayers() * d);
        boolean projection = config.path("prefix_projection").asBoolean(false);
        if (projection && !extra.isEmpty()) {
            int hidden = AdapterFile.requiredInt(config, "encoder_hidden_size", file);
            return PrefixTuning.of(new PrefixConfig(p, true, hidden), model, extra,
                    file.replace(AdapterFile.WEIGHTS, AdapterFile.EXTRA));
        }
        return PrefixTuning.of(new PrefixConfig(p, false, 0), model, Map.of(PrefixTuning.EMBEDDING, flat), file);
    }

    private static final MethodOption PROJECTION = MethodOption.flag("--prefix-projection",
            "reparametrise the prefix by PEFT's MLP (Linear, Tanh, Linear)");

    @Override
    public List<MethodOption> options() {
        return List.of(MethodOption.PROMPT_LENGTH, PROJECTION, MethodOption.ENCODER_HIDDEN_SIZE);
    }

    @Override
    public MethodConfig parse(MethodOptions given) {
        return new PrefixConfig(given.integer(MethodOption.PROMPT_LENGTH.name(), 10), given.flag(PROJECTION.name()),
                given.integer(MethodOption.ENCODER_HIDDEN_SIZE.name(), 0));
    }

    @Override
    public MethodConfig fromJson(JsonNode json) {
        return new PrefixConfig(json.path("prompt_length").asInt(), json.path("prefix_projection").asBoolean(),
                json.path("encoder_hidden_size").asInt());
    }
}
