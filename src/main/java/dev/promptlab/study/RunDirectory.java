package dev.promptlab.study;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Guards a command's output directory: a new run needs an empty or absent directory, so an
 * earlier run is never mixed with or overwritten by a new one; {@code --resume} needs an existing one.
 * A stale lock file ({@link RunLock#FILE}, left by a killed run) does not count as content.
 */
public final class RunDirectory {
    private RunDirectory() {}

    public static void requireFresh(Path dir) {
        requireCreatable(dir);
        if (Files.exists(dir) && !isEmptyDirectory(dir)) {
            throw new IllegalArgumentException("output directory " + dir
                    + " already exists and is not empty; choose another --out (or --resume a tune run)");
        }
    }

    /**
     * {@code dir} is a directory or can be made one: it is not a file, and no ancestor is a file.
     * (Permissions are left to the first write, whose message names the path.)
     */
    public static void requireCreatable(Path dir) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new IllegalArgumentException("output directory " + dir + " is a file; choose a directory for --out");
        }
        for (Path p = dir.toAbsolutePath().getParent(); p != null; p = p.getParent()) {
            if (Files.exists(p)) {
                if (!Files.isDirectory(p)) {
                    throw new IllegalArgumentException("cannot create output directory " + dir + ": " + p
                            + " is a file, not a directory");
                }
                if (!Files.isWritable(p) && !Files.exists(dir)) {
                    throw new IllegalArgumentException("cannot create output directory " + dir + ": " + p
                            + " is read-only");
                }
                return;
            }
        }
    }

    /**
     * An output file ({@code --json}) can be written: it is not a directory and no ancestor is a
     * file. Checked before the work, so a bad path fails at once instead of after it.
     */
    public static void requireWritableFile(Path file, String option) {
        if (Files.isDirectory(file)) {
            throw new IllegalArgumentException(option + " " + file + " is a directory; give a file name");
        }
        for (Path p = file.toAbsolutePath().getParent(); p != null; p = p.getParent()) {
            if (Files.exists(p)) {
                if (!Files.isDirectory(p)) {
                    throw new IllegalArgumentException("cannot write " + option + " " + file + ": " + p
                            + " is a file, not a directory");
                }
                return;
            }
        }
    }

    /** An existing directory with nothing in it but, perhaps, a stale lock file. */
    public static boolean isEmptyDirectory(Path dir) {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.allMatch(RunLock::isLockFile);
        } catch (IOException e) {
            return false;
        }
    }
}
