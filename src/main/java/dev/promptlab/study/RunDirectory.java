package dev.promptlab.study;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.promptlab.tensor.AtomicFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Guards a command's output directory: a new run needs an empty or absent directory, so an
 * earlier run is never mixed with or overwritten by a new one; {@code --resume} needs an existing one.
 * A stale lock file ({@link RunLock#FILE}) and the temporary files of an interrupted write, which a
 * killed run leaves, do not count as content.
 */
public final class RunDirectory {
    private static final ObjectMapper RECORDED = new ObjectMapper();

    private RunDirectory() {}

    /**
     * A run's directory before it starts. Fresh: absent or empty, not in use. Resumed: an existing
     * directory, either empty (a run killed before it wrote anything starts over) or holding this
     * kind of run's {@code configFile}. {@code locked}: the caller holds the directory's lock, so
     * only what the directory holds is checked again.
     *
     * @param kind what the messages call the run ("tune", "pretrain")
     */
    public static void require(Path out, boolean resume, boolean locked, String configFile, String kind) {
        if (!resume) {
            if (locked) {
                requireEmpty(out, kind);
            } else {
                requireFresh(out, kind);
            }
            return;
        }
        requireCreatable(out);
        if (!locked) {
            requireNotInUse(out);
        }
        if (!Files.isDirectory(out)) {
            throw new IllegalArgumentException(out + ": nothing to resume (no such run directory); leave out --resume"
                    + " to start a run there");
        }
        if (!isEmptyDirectory(out) && !Files.isRegularFile(out.resolve(configFile))) {
            throw new IllegalArgumentException(out + ": nothing to resume (no " + configFile + ": not a " + kind
                    + " run directory)");
        }
    }

    /** A new output directory for a command that cannot resume: absent or empty, creatable, not in use. */
    public static void requireFresh(Path dir) {
        requireFresh(dir, null);
    }

    /**
     * A new run directory: absent or empty, creatable, not in use. {@code kind} names a run that
     * {@code --resume} continues, for the message (null: the command cannot resume).
     */
    public static void requireFresh(Path dir, String kind) {
        requireCreatable(dir);
        requireNotInUse(dir);
        requireEmpty(dir, kind);
    }

    /** {@code dir} is absent or empty (a stale lock and temporary files apart); what a run re-checks under its lock. */
    public static void requireEmpty(Path dir, String kind) {
        if (Files.exists(dir) && !isEmptyDirectory(dir)) {
            throw new IllegalArgumentException("output directory " + dir + " already exists and is not empty; choose"
                    + " another --out" + (kind == null ? "" : ", or add --resume to continue the " + kind + " run in it"));
        }
    }

    /**
     * Deletes what a failed fresh run wrote in {@code out}, leaving its lock (whose release removes
     * the directory if the run created it).
     */
    public static void deleteContents(Path out) throws IOException {
        if (!Files.isDirectory(out)) {
            return;
        }
        try (Stream<Path> s = Files.list(out)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (!RunLock.isLockFile(p)) {
                    AtomicFiles.deleteTree(p);
                }
            }
        }
    }

    /** No other run holds {@code dir}'s lock ({@link RunLock}) now. */
    public static void requireNotInUse(Path dir) {
        RunLock.holderOf(dir).ifPresent(holder -> {
            throw new RunLockedException(dir, holder);
        });
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

    /**
     * What a run recorded in {@code file} (its settings or recipe), read to check a resumed run
     * against; a file that is not JSON means the run cannot be resumed, which the message says.
     */
    public static JsonNode readRecorded(Path file) throws IOException {
        try {
            return RECORDED.readTree(file.toFile());
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(file + " is not valid JSON (" + e.getOriginalMessage() + "); this run cannot"
                    + " be resumed: choose another --out");
        }
    }

    /**
     * An existing directory with nothing in it but, perhaps, what a killed run leaves before it
     * writes anything: a stale lock file, a temporary file.
     */
    public static boolean isEmptyDirectory(Path dir) {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.allMatch(p -> RunLock.isLockFile(p) || AtomicFiles.isLeftover(p));
        } catch (IOException e) {
            return false;
        }
    }
}
