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

    /** A temporary file of {@link #write}: {@code .NAME.DIGITS.tmp}. */
    private static final java.util.regex.Pattern TEMP_FILE = java.util.regex.Pattern.compile("\\..+\\.\\d+\\.tmp");
    /** A staging directory of {@link #writeDirectory}: {@code .NAME.DIGITS}. */
    private static final java.util.regex.Pattern STAGING = java.util.regex.Pattern.compile("\\.(.+)\\.\\d+");
    /** A directory {@link #writeDirectory} set aside: {@code .NAME.old.DIGITS}. */
    private static final java.util.regex.Pattern SET_ASIDE = java.util.regex.Pattern.compile("\\.(.+)\\.old\\.\\d+");

    /** Whether {@code p} is something a write killed midway leaves (a temporary file or directory). */
    public static boolean isLeftover(Path p) {
        String name = p.getFileName() == null ? "" : p.getFileName().toString();
        return TEMP_FILE.matcher(name).matches() || STAGING.matcher(name).matches() || SET_ASIDE.matcher(name).matches();
    }

    /**
     * Repairs what processes killed inside {@link #write} or {@link #writeDirectory} left in
     * {@code dir}: a directory set aside while being replaced is put back when the new one never
     * arrived (it is complete: it was the previous version), and temporary files, staging
     * directories and set-aside copies that are no longer needed are deleted. Call it before
     * reading what is in {@code dir}, while no other process writes there (e.g. under the run's lock).
     */
    public static void recoverLeftovers(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        java.util.List<Path> entries;
        try (Stream<Path> s = Files.list(dir)) {
            entries = s.sorted().toList();
        }
        for (Path p : entries) {
            java.util.regex.Matcher aside = SET_ASIDE.matcher(p.getFileName().toString());
            if (Files.isDirectory(p) && aside.matches() && !Files.exists(dir.resolve(aside.group(1)))) {
                Files.move(p, dir.resolve(aside.group(1))); // at most one per name: each write deletes its own
            }
        }
        for (Path p : entries) {
            if (Files.exists(p) && isLeftover(p)) {
                deleteTree(p);
            }
        }
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
