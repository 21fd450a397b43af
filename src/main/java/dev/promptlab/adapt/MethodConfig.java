package dev.promptlab.adapt;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptlab.model.LanguageModel;
import dev.promptlab.tensor.Rng;
import dev.promptlab.tokenize.Tokenizer;

/**
 * A tuning method's validated settings (each method's config record implements this): it makes
 * the adapter once the model is loaded and records itself in a run's {@code config.json}.
 */
public interface MethodConfig {
    /** The method's name, as {@code tune --method} takes it. */
    String method();

    /** A fresh adapter (initialised from {@code rng}) for {@code model}. */
    Adapter create(LanguageModel model, Tokenizer tokenizer, Rng rng);

    /** Writes the settings into {@code json} (config.json's {@code method_config}); {@link TuningMethod#fromJson} reads them back. */
    void writeJson(ObjectNode json);

    /** Positions of the model's context the adapter takes before the input (0 for weight methods). */
    int contextPositions();

    /**
     * Whether several adapters of this config train in one batch, each batch row with its own
     * ({@link MultiPrompt}: prompts); otherwise each seed of a multi-seed run trains on its own.
     */
    default boolean batchable() {
        return false;
    }
}
