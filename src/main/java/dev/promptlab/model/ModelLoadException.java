package dev.promptlab.model;

import java.nio.file.Path;

/** A model directory or checkpoint that cannot be loaded; the message names the path and the problem. */
public class ModelLoadException extends RuntimeException {
    private final transient Path path;

    public ModelLoadException(Path path, String problem) {
        super(path + ": " + problem);
        this.path = path;
    }

    public ModelLoadException(Path path, String problem, Throwable cause) {
        super(path + ": " + problem, cause);
        this.path = path;
    }

    /** The file or directory at fault. */
    public Path path() {
        return path;
    }
}
