package dev.promptlab.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.promptlab.adapt.Adapter;
import dev.promptlab.model.LanguageModel;

/**
 * An extra term of one prompt's objective, added to its task loss: e.g. the waywardness study's
 * pull towards a target text ({@link TargetDistance}). Each prompt of a multi-prompt batch has
 * its own term (or none), so it pulls only that prompt.
 */
@FunctionalInterface
public interface PromptTerm {
    /** The term, a scalar computed on {@code scope} (the step's manager) from the prompt's current parameters. */
    NDArray value(Adapter prompt, LanguageModel model, NDManager scope);
}
