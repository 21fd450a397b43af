package dev.promptlab.study;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.promptlab.tensor.AtomicFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A study's run directory for the length of a run, what the studies and {@code reproduce} share:
 * locked ({@link RunLock}: a second process refuses), and either new (absent or empty) or resumed
 * (holding this study's {@code config.json} with the same settings, so finished cells are never
 * mixed with cells of other settings); {@code config.json} is written first. Everything is
 * checked before the lock is taken, so a refused run leaves the disk as it was.
 */
final class StudyDirectory implements AutoCloseable {
    static final String CONFIG = "config.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final RunLock lock;

    private StudyDirectory(RunLock lock) {
        this.lock = lock;
    }

    /**
     * Checks, writing nothing, that {@code out} can take a new run ({@code resume} off) or holds
     * a run of {@code kind} with {@code settings} (on); what a study calls before its slow setup.
     *
     * @param kind what messages call the run ("bayes", "wayward")
     */
    static void check(Path out, boolean resume, String kind, JsonNode settings) throws IOException {
        check(out, resume, false, kind, settings);
    }

    /** Checks again under the lock, then writes {@code settings} as config.json unless it is there. */
    static StudyDirectory open(Path out, boolean resume, String kind, JsonNode settings) throws IOException {
        check(out, resume, false, kind, settings);
        RunLock lock = RunLock.acquire(out);
        try {
            check(out, resume, true, kind, settings);
            if (resume) {
                AtomicFiles.recoverLeftovers(out); // temporary files of a killed write
            }
            Path file = out.resolve(CONFIG);
            if (!Files.isRegularFile(file)) {
                AtomicFiles.writeString(file, JSON.writeValueAsString(settings) + "\n");
            }
            return new StudyDirectory(lock);
        } catch (IOException | RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    private static void check(Path out, boolean resume, boolean locked, String kind, JsonNode settings)
            throws IOException {
        RunDirectory.require(out, resume, locked, CONFIG, kind);
        Path file = out.resolve(CONFIG);
        if (!resume || !Files.isRegularFile(file)) {
            return;
        }
        JsonNode before = RunDirectory.readRecorded(file);
        JsonNode now = JSON.readTree(JSON.writeValueAsBytes(settings)); // as written: POJO values become JSON
        if (!before.path("command").equals(now.path("command"))) {
            throw new IllegalArgumentException(out + ": nothing to resume here: it holds "
                    + (before.path("command").isTextual() ? "a " + before.get("command").asText() : "another kind of")
                    + " run, not a " + kind + " run (" + file + "); choose another --out");
        }
        JsonDifference d = JsonDifference.first(before, now);
        if (d != null) {
            throw new IllegalArgumentException("--resume: " + out + " holds a " + kind + " run with other settings: "
                    + d.path() + " was " + d.before() + " in " + file + " but is " + d.now() + " now; resume with the"
                    + " options the run was started with, or choose another --out");
        }
    }

    @Override
    public void close() throws IOException {
        lock.close();
    }
}
