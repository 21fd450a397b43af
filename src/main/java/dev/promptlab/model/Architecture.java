package dev.promptlab.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptlab.tensor.Rng;

import java.util.Map;

/**
 * One model family: how its {@code config.json} reads and writes, how fresh weights are
 * initialised and how a model is built from named weights. Registered in {@link Architectures}.
 */
public interface Architecture {
    /** promptlab name used on the command line ("gpt", "lstm"). */
    String name();

    /** The {@code model_type} value this architecture writes into {@code config.json} ("gpt2", ...). */
    String modelType();

    /**
     * Every {@code model_type} this architecture reads (a family such as llama also covers
     * mistral and qwen2); {@link #modelType()} by default.
     */
    default java.util.List<String> modelTypes() {
        return java.util.List.of(modelType());
    }

    ModelConfig readConfig(JsonNode configJson);

    /** Whether the family is built from attention layers (needs heads; takes key/value prefixes). */
    default boolean attention() {
        return true;
    }

    ObjectNode writeConfig(ModelConfig config);

    /** A model with freshly initialised weights (deterministic in {@code rng}). */
    LanguageModel init(ModelConfig config, NDManager manager, Rng rng);

    /**
     * A model over already loaded weights (which move into {@code manager}); fails with a
     * message naming any missing or mis-shaped tensor.
     */
    LanguageModel fromWeights(ModelConfig config, Map<String, NDArray> weights, NDManager manager);
}
