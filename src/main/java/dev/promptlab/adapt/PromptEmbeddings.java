package dev.promptlab.adapt;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.promptlab.model.LanguageModel;
import dev.promptlab.model.ModelInput;

/**
 * An adapter that inserts P virtual token embeddings into the input (soft prompt, P-tuning, the
 * coin networks' input prefixes, a hard prompt's token embeddings); the prompts of a
 * {@link MultiPrompt} batch may differ row by row.
 */
public interface PromptEmbeddings extends Adapter {
    /** The virtual token embeddings (P, C), computed on {@code scope} (the step's manager). */
    NDArray virtualEmbeddings(NDManager scope, LanguageModel model);

    /**
     * The virtual tokens go after this many leading input positions: 0 prepends them (text
     * models), 1 keeps a beginning-of-sequence input first (the coin networks).
     */
    default int position() {
        return 0;
    }

    /** Inserts the virtual tokens into the input embeddings (and ones into a padding mask). */
    @Override
    default ModelInput apply(ModelInput input, LanguageModel model) {
        if (input.past() != null) {
            return input; // the prompt went in with the first call and lives in the decoding state
        }
        NDArray rows = virtualEmbeddings(VirtualTokens.scope(input), model).expandDims(0); // (1, P, C)
        return VirtualTokens.insert(input, model, rows, position());
    }
}
