package dev.promptlab.task;

/** Bad dataset content; the message names the file, the line and what is wrong. */
public class DataFormatException extends RuntimeException {
    public DataFormatException(String message) {
        super(message);
    }
}
