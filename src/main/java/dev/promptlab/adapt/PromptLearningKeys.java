package dev.promptlab.adapt;

import ai.djl.ndarray.NDArray;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Map;

/**
 * The {@code adapter_config.json} keys PEFT's prompt-learning methods share (its
 * PromptLearningConfig: num_virtual_tokens, token_dim, num_transformer_submodules,
 * num_attention_heads, num_layers) and their one tensor, {@code prompt_embeddings}.
 */
final class PromptLearningKeys {
    static final String PROMPT_EMBEDDINGS = "prompt_embeddings";

    private PromptLearningKeys() {}

    static void put(ObjectNode config, int virtualTokens, int tokenDim, int heads, int layers) {
        config.put("num_virtual_tokens", virtualTokens);
        config.put("token_dim", tokenDim);
        config.put("num_transformer_submodules", 1);
        config.put("num_attention_heads", heads);
        config.put("num_layers", layers);
    }

    /**
     * Checks the shared keys against the model's values (token_dim always; num_attention_heads
     * and num_layers when {@code heads} / {@code layers} are positive, i.e. when the method
     * depends on them) and returns num_virtual_tokens.
     */
    static int check(JsonNode config, String file, String what, int tokenDim, int heads, int layers) {
        int p = AdapterFile.requiredInt(config, "num_virtual_tokens", file);
        int dim = AdapterFile.requiredInt(config, "token_dim", file);
        if (dim != tokenDim) {
            throw new AdapterException(file + ": the " + what + " was trained for a model with token_dim " + dim
                    + ", but this model needs " + tokenDim);
        }
        int submodules = config.path("num_transformer_submodules").asInt(1);
        if (submodules != 1) {
            throw new AdapterException(file + ": num_transformer_submodules " + submodules
                    + " (encoder-decoder prompts) is not supported; causal LMs use 1");
        }
        if (heads > 0 && AdapterFile.requiredInt(config, "num_attention_heads", file) != heads) {
            throw new AdapterException(file + ": the " + what + " was trained for a model with "
                    + config.get("num_attention_heads") + " (key/value) attention heads, but this model has " + heads);
        }
        if (layers > 0 && AdapterFile.requiredInt(config, "num_layers", file) != layers) {
            throw new AdapterException(file + ": the " + what + " was trained for a model with "
                    + config.get("num_layers") + " layers, but this model has " + layers);
        }
        return p;
    }

    /** PEFT's {@code prompt_embeddings}, which must be (rows, cols). */
    static NDArray promptEmbeddings(Map<String, NDArray> weights, String file, long rows, long cols) {
        NDArray values = weights.get(PROMPT_EMBEDDINGS);
        if (values == null) {
            throw new AdapterException(file + ": no tensor '" + PROMPT_EMBEDDINGS + "' (found " + weights.keySet() + ")");
        }
        if (values.getShape().dimension() != 2 || values.getShape().get(0) != rows || values.getShape().get(1) != cols) {
            throw new AdapterException(file + ": '" + PROMPT_EMBEDDINGS + "' has shape " + values.getShape()
                    + " but adapter_config.json and this model need (" + rows + ", " + cols + ")");
        }
        return values;
    }
}
