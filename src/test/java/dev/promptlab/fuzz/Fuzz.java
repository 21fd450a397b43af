package dev.promptlab.fuzz;

import dev.promptlab.tensor.AtomicFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Scratch directories of the fuzz properties (jqwik has no @TempDir). */
final class Fuzz {
    private Fuzz() {}

    static Path tempDir(String what) {
        try {
            return Files.createTempDirectory("promptlab-fuzz-" + what);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static void delete(Path dir) {
        AtomicFiles.deleteTree(dir);
    }
}
