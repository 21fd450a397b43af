package dev.promptlab.tensor;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Atomic file writes: content goes to a temporary file next to the target and is renamed over
 * it, so readers (and a crashed run) see either the old file or the complete new one.
 */
public final class AtomicFiles {
    private AtomicFiles() {}

    /** Body of a write. */
    @FunctionalInterface
    public interface Writer {
        void write(OutputStream out) throws IOException;
    }

    public static void write(Path target, Writer body) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
        try {
            readableByAll(tmp); // temp files are created 0600; results and models are meant to be shared
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
                body.write(out);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    public static void writeString(Path target, String text) throws IOException {
        write(target, out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
    }

    /** Body of a directory write: fills the staging directory. */
    @FunctionalInterface
    public interface DirectoryWriter {
        void write(Path staging) throws IOException;
    }

    /**
     * Writes a whole directory: {@code body} fills a staging directory beside {@code target},
     * which then replaces {@code target} by rename. If {@code body} fails, {@code target} is
     * untouched.
     */
    public static void writeDirectory(Path target, DirectoryWriter body) throws IOException {
        Path absolute = target.toAbsolutePath();
        Files.createDirectories(absolute.getParent());
        Path staging = Files.createTempDirectory(absolute.getParent(), "." + absolute.getFileName() + ".");
        try {
            body.write(staging);
            if (Files.exists(absolute)) {
                Path old = Files.createTempDirectory(absolute.getParent(), "." + absolute.getFileName() + ".old.");
                Files.delete(old);
                Files.move(absolute, old);
                Files.move(staging, absolute);
                deleteTree(old);
            } else {
                Files.move(staging, absolute);
            }
        } finally {
            deleteTree(staging);
        }
    }

    /**
     * Repairs what a process killed inside {@link #writeDirectory} left: if it died between
     * moving the old {@code target} aside and moving the new one in, the old one (complete) is put
     * back; staging and set-aside directories that are no longer needed are deleted. Call it
     * before reading {@code target}, while no other process writes it (e.g. under the run's lock).
     */
    public static void recoverDirectory(Path target) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path parent = absolute.getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            return;
        }
        String name = absolute.getFileName().toString();
        java.util.List<Path> old = new java.util.ArrayList<>();
        java.util.List<Path> staging = new java.util.ArrayList<>();
        try (Stream<Path> s = Files.list(parent)) {
            s.filter(Files::isDirectory).forEach(p -> {
                String n = p.getFileName().toString();
                if (n.startsWith("." + name + ".old.")) {
                    old.add(p);
                } else if (n.startsWith("." + name + ".")) {
                    staging.add(p);
                }
            });
        }
        if (!Files.exists(absolute) && !old.isEmpty()) {
            Files.move(old.remove(0), absolute); // at most one: each write deletes its own set-aside copy
        }
        old.forEach(AtomicFiles::deleteTree);
        staging.forEach(AtomicFiles::deleteTree);
    }

    /** Deletes a file or directory tree if it exists. */
    public static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void readableByAll(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: its defaults apply
        }
    }
}
