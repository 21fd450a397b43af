package dev.promptlab.tensor;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * Keeps per-step temporaries in the step's manager.
 *
 * <p>Why this exists: DJL attaches the result of an operation to the manager of its first
 * operand. An operation on a long-lived array (a prompt, a weight, an optimizer moment) would
 * therefore put its result, and everything computed from it, on that long-lived manager, where
 * it stays until the model or adapter is closed: memory grows every step. Move such results into
 * the step's scope the moment they are made.
 */
public final class Scopes {
    private Scopes() {}

    /** Attaches {@code fresh} to {@code scope} (if it is not there already) and returns it. */
    public static NDArray into(NDManager scope, NDArray fresh) {
        if (fresh.getManager() != scope) {
            fresh.attach(scope);
        }
        return fresh;
    }
}
