package dev.promptlab.cli;

import dev.promptlab.adapt.AdapterException;
import dev.promptlab.task.DataFormatException;

/** Which failures are the user's input (exit 2) rather than the program's (exit 1). */
final class UserError {
    private UserError() {}

    static boolean isUserError(Throwable t) {
        return t instanceof IllegalArgumentException || t instanceof DataFormatException
                || t instanceof AdapterException || t instanceof java.nio.file.NoSuchFileException
                || t instanceof UnsupportedOperationException;
    }
}
