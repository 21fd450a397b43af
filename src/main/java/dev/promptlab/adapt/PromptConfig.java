package dev.promptlab.adapt;

/**
 * The settings of a prompt method (soft prompt, P-tuning, prefix): its prompt takes
 * {@link #length()} positions before the input, and several prompts of one config train in one
 * batch, each batch row with its own ({@link MultiPrompt}).
 */
public interface PromptConfig extends MethodConfig {
    /** Virtual tokens (or key/value positions) P. */
    int length();

    @Override
    default int contextPositions() {
        return length();
    }

    @Override
    default boolean batchable() {
        return true;
    }
}
