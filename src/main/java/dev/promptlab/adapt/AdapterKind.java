package dev.promptlab.adapt;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
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

    /**
     * The tensors to save, by PEFT's names; arrays computed for saving (transposes, encoder
     * outputs) are made on {@code scope}, which the caller closes.
     */
    Map<String, NDArray> weights(Adapter adapter, LanguageModel model, NDManager scope);

    /**
     * What training needs beyond PEFT's tensors (a prompt encoder's own weights, which PEFT does
     * not save), written to {@link AdapterFile#EXTRA} beside them; empty for none.
     */
    default Map<String, NDArray> extraWeights(Adapter adapter) {
        return Map.of();
    }

    /**
     * Rebuilds an adapter from PEFT's tensors and, when the directory has them, the
     * {@link #extraWeights} (else {@code extra} is empty); {@code file} is only for error messages.
     */
    Adapter read(JsonNode config, Map<String, NDArray> weights, Map<String, NDArray> extra, LanguageModel model,
            String file);
}
