package dev.promptlab.adapt;

import ai.djl.ndarray.NDArray;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptlab.model.LanguageModel;

import java.util.Map;

/**
 * How one adapter method maps to PEFT's files: its {@code peft_type}, the keys of its
 * {@code adapter_config.json} and the tensors of {@code adapter_model.safetensors}.
 */
public interface AdapterKind {
    /** CLI name ("soft-prompt"). */
    String method();

    /** PEFT's {@code peft_type} ("PROMPT_TUNING"). */
    String peftType();

    /** Whether this kind made {@code adapter}. */
    boolean handles(Adapter adapter);

    /** Fills {@code config} with the method's PEFT keys (the common keys are already there). */
    void writeConfig(Adapter adapter, LanguageModel model, ObjectNode config);

    /** The tensors to save, by PEFT's names. */
    Map<String, NDArray> weights(Adapter adapter);

    /** Rebuilds an adapter; {@code file} is only for error messages. */
    Adapter read(JsonNode config, Map<String, NDArray> weights, LanguageModel model, String file);
}
