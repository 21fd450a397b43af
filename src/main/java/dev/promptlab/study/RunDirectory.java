package dev.promptlab.study;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Guards a command's output directory: a new run needs an empty or absent directory, so an
 * earlier run is never mixed with or overwritten by a new one; {@code --resume} needs an existing one.
 */
public final class RunDirectory {
    private RunDirectory() {}

    public static void requireFresh(Path dir) {
        if (Files.exists(dir) && !isEmptyDirectory(dir)) {
            throw new IllegalArgumentException("output directory " + dir
                    + " already exists and is not empty; choose another --out (or --resume a tune run)");
        }
    }

    public static boolean isEmptyDirectory(Path dir) {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        } catch (IOException e) {
            return false;
        }
    }
}
