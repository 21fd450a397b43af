package dev.promptlab.adapt;

/** An adapter file that cannot be read or does not fit the model; the message says which and why. */
public class AdapterException extends RuntimeException {
    public AdapterException(String message) {
        super(message);
    }

    public AdapterException(String message, Throwable cause) {
        super(message, cause);
    }
}
