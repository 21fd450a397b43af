package dev.promptlab.adapt;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.promptlab.model.LanguageModel;

/** An adapter that adds a per-layer key/value prefix (prefix tuning); rows of a mixed batch may differ. */
public interface KeyValuePrompt extends Adapter {
    /**
     * The prefix (2L, kvHeads, P, headSize) in PEFT's layer order (2l keys, 2l+1 values of layer
     * l), computed on {@code scope} (the step's manager).
     */
    NDArray keyValues(NDManager scope, LanguageModel model);
}
