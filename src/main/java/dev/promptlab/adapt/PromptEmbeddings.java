package dev.promptlab.adapt;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.promptlab.model.LanguageModel;
import dev.promptlab.model.ModelInput;

/** An adapter that prepends P virtual token embeddings (soft prompt, P-tuning); rows of a mixed batch may differ. */
public interface PromptEmbeddings extends Adapter {
    /** The virtual token embeddings (P, C), computed on {@code scope} (the step's manager). */
    NDArray virtualEmbeddings(NDManager scope, LanguageModel model);

    /** Prepends the virtual tokens to the input embeddings (and ones to a padding mask). */
    @Override
    default ModelInput apply(ModelInput input, LanguageModel model) {
        if (input.past() != null) {
            return input; // the prompt went in with the first call and lives in the decoding state
        }
        return VirtualTokens.prepend(input, model, virtualEmbeddings(VirtualTokens.scope(input), model).expandDims(0));
    }
}
