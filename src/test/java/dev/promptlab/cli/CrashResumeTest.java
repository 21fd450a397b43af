package dev.promptlab.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptlab.study.RunLock;
import dev.promptlab.study.SmallBayesRun;
import dev.promptlab.study.builtin.BuiltinPretraining;
import dev.promptlab.study.builtin.SmallBuiltinPretrain;
import dev.promptlab.tensor.Rng;
import dev.promptlab.tensor.Safetensors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Runs that survive {@code kill -9}: {@code tune} (one seed, and {@code --seeds} in one batch) and
 * {@code pretrain} run in a child JVM that is killed with SIGKILL at a random point (a seeded
 * delay after its run directory appears: before anything is written, mid-step, mid-checkpoint,
 * while the results are written), then {@code --resume} finishes the run here. The resumed run's
 * files must equal an uninterrupted run's byte for byte (metrics.jsonl apart from its
 * seconds-per-step timings), and a watcher reading the run directory all along the killed run
 * must never see a partial file: every JSON file parses, every metrics line parses, every
 * safetensors file is exactly as long as its header says. Two processes given the same
 * {@code --out}: the second refuses, naming the first, and the first finishes undamaged.
 *
 * <p>The default suite kills each command once; {@code mvn test -Preliability} kills each at
 * {@code promptlab.crashSeeds} (8) random points, and also {@code pretrain --builtin} (a small
 * recipe's run, {@link SmallBuiltinPretrain}: the command line's recipes take minutes to hours),
 * whose model card may differ from the uninterrupted run's in its timings alone
 * ({@link BuiltinPretraining#CARD_TIMINGS}).
 */
class CrashResumeTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int STEPS = 120;
    @TempDir
    static Path dir;
    static Path model;
    static Path corpus;
    static Path train;
    /** Each scenario's uninterrupted run and how long it took here (the child's kill window). */
    private static final Map<String, Path> REFERENCE = new TreeMap<>();
    private static final Map<String, Long> MILLIS = new TreeMap<>();

    private static final String BUILTIN = "pretrain-builtin";
    /** A study's cells: the Bayesian study at tiny sizes, killed between or inside its cells. */
    private static final String STUDY = "bayes-cells";

    /** The scenarios: each command, and the built-in pretraining in the reliability profile (several kills). */
    static List<String> scenarios() {
        return Integer.getInteger("promptlab.crashSeeds", 1) > 1 ? List.of("tune", "tune-seeds", "pretrain", BUILTIN, STUDY)
                : List.of("tune", "tune-seeds", "pretrain", STUDY);
    }

    @BeforeAll
    static void modelDataAndReferenceRuns() throws IOException {
        SyntheticText.TaskAndModel t = SyntheticText.taskAndModel(dir);
        corpus = t.corpus();
        train = t.train();
        model = t.model();
        for (String scenario : scenarios()) {
            Path out = dir.resolve("reference-" + scenario);
            long start = System.nanoTime();
            if (scenario.equals(BUILTIN)) {
                // its kill window is the training (the corpus is built before it)
                double seconds = SmallBuiltinPretrain.run(out, false).get("train_seconds").asDouble();
                MILLIS.put(scenario, (long) (seconds * 1000));
            } else if (scenario.equals(STUDY)) {
                SmallBayesRun.run(out, false);
                MILLIS.put(scenario, (System.nanoTime() - start) / 1_000_000);
            } else {
                CliRunner.Result ref = CliRunner.run(args(scenario, out, false).toArray(String[]::new));
                assertEquals(0, ref.exitCode(), ref.toString());
                MILLIS.put(scenario, (System.nanoTime() - start) / 1_000_000);
            }
            REFERENCE.put(scenario, out);
        }
    }

    /** Starts a scenario's run in a child JVM. */
    private static Process startChild(String scenario, Path out, Path log) throws IOException {
        return switch (scenario) {
            case BUILTIN -> ChildJvm.start(SmallBuiltinPretrain.class, List.of(out.toString()), log);
            case STUDY -> ChildJvm.start(SmallBayesRun.class, List.of(out.toString()), log);
            default -> ChildJvm.start(args(scenario, out, false), log);
        };
    }

    /** Resumes a scenario's killed run in this JVM. */
    private static void resumeHere(String scenario, Path out) throws IOException {
        if (scenario.equals(BUILTIN)) {
            SmallBuiltinPretrain.run(out, true);
            return;
        }
        if (scenario.equals(STUDY)) {
            SmallBayesRun.run(out, true);
            return;
        }
        CliRunner.Result resumed = CliRunner.run(args(scenario, out, true).toArray(String[]::new));
        assertEquals(0, resumed.exitCode(), resumed.toString());
    }

    /**
     * What appears when the run has started (the time origin of the kills that are not early): its
     * config; for the built-in pretraining its first checkpoint, since it builds its corpus first and
     * then trains its small model faster than a cold JVM starts.
     */
    private static String startMark(String scenario) {
        return switch (scenario) {
            case "pretrain" -> "pretrain_config.json";
            case BUILTIN -> "checkpoint";
            default -> "config.json";
        };
    }

    /** The command of a scenario, writing to {@code out}. */
    private static List<String> args(String scenario, Path out, boolean resume) {
        List<String> a = new ArrayList<>(switch (scenario) {
            case "tune" -> List.of("tune", "--model", model.toString(), "--train", train.toString(), "--steps",
                    Integer.toString(STEPS), "--batch-size", "4", "--prompt-length", "3", "--checkpoint-every", "10");
            case "tune-seeds" -> List.of("tune", "--model", model.toString(), "--train", train.toString(), "--steps",
                    Integer.toString(STEPS), "--batch-size", "4", "--prompt-length", "3", "--checkpoint-every", "10",
                    "--seeds", "3,4");
            case "pretrain" -> List.of("pretrain", "--model", model.toString(), "--corpus", corpus.toString(), "--steps",
                    Integer.toString(STEPS), "--batch-size", "4", "--seq-len", "16", "--checkpoint-every", "10");
            default -> throw new IllegalArgumentException(scenario);
        });
        a.addAll(List.of("--quiet", "--out", out.toString()));
        if (resume) {
            a.add("--resume");
        }
        return a;
    }

    static Stream<Object[]> kills() {
        int seeds = Integer.getInteger("promptlab.crashSeeds", 1);
        List<Object[]> cases = new ArrayList<>();
        for (String scenario : scenarios()) {
            for (int s = 0; s < seeds; s++) {
                cases.add(new Object[] {scenario, 1000L + 7919L * s + scenario.hashCode(), s});
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}, kill seed {1}")
    @MethodSource("kills")
    void killedAtARandomPointResumesToTheUninterruptedRunsFiles(String scenario, long seed, int index) throws Exception {
        Path out = dir.resolve(scenario + "-killed-" + seed);
        Path log = dir.resolve(scenario + "-" + seed + ".log");
        Process child = startChild(scenario, out, log);
        PartialFileWatcher watcher = new PartialFileWatcher(out);
        watcher.start();
        boolean finished;
        long delay;
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!Files.exists(out) && child.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(2);
            }
            assertTrue(Files.exists(out), "the child never created its run directory: " + Files.readString(log));
            // where to kill: a quarter of the profile's kills early (before or while the first files are written),
            // the rest (and the default suite's one) at a random point of the training, among the checkpoints
            Rng rng = new Rng(seed);
            boolean early = index > 0 && rng.nextDouble() < 0.25;
            double u = rng.nextDouble();
            if (!early) {
                Path config = out.resolve(startMark(scenario));
                while (!Files.exists(config) && child.isAlive() && System.nanoTime() < deadline) {
                    Thread.sleep(2);
                }
            }
            // the reference's time bounds the child's training from above (the child is a cold JVM)
            delay = early ? (long) (u * 300) : (long) ((index == 0 ? 0.2 + 0.4 * u : 0.05 + 0.55 * u)
                    * MILLIS.get(scenario) * 0.9);
            finished = child.waitFor(delay, TimeUnit.MILLISECONDS);
            child.destroyForcibly(); // SIGKILL: no shutdown hook, no finally block
            assertTrue(child.waitFor(60, TimeUnit.SECONDS));
        } finally {
            watcher.stopAndJoin();
        }
        assertFalse(finished, "the child finished before the kill (" + child.exitValue() + "): " + Files.readString(log));
        System.out.printf("%s killed %d ms into its run: %s%n", scenario, delay, progress(out));
        watcher.checkOnce(); // after the kill too: what the kill left
        assertEquals(List.of(), watcher.partial(), "partial files seen during or after the killed run");

        resumeHere(scenario, out);
        if (scenario.equals(STUDY)) {
            SmallBayesRun.assertSameRun(REFERENCE.get(scenario), out); // its timings apart, as its resume promises
        } else {
            assertSameFiles(REFERENCE.get(scenario), out);
        }
    }

    @Test
    void aSecondProcessOnTheSameRunRefusesAndTheFirstFinishesUndamaged() throws Exception {
        Path out = dir.resolve("locked");
        Path log = dir.resolve("locked.log");
        Process first = ChildJvm.start(args("tune", out, false), log);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!Files.exists(out.resolve("config.json")) && first.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(2);
        }
        assertTrue(first.isAlive(), "the first run ended before the second started: " + Files.readString(log));
        for (boolean resume : new boolean[] {false, true}) {
            CliRunner.Result second = CliRunner.run(args("tune", out, resume).toArray(String[]::new));
            assertEquals(2, second.exitCode(), second.toString());
            assertTrue(second.err().contains(out + " is in use by another promptlab run (process " + first.pid() + ")"),
                    second.err());
        }
        assertTrue(first.waitFor(120, TimeUnit.SECONDS), "the first run did not finish");
        assertEquals(0, first.exitValue(), Files.readString(log));
        assertSameFiles(REFERENCE.get("tune"), out);
        assertTrue(RunLock.holderOf(out).isEmpty(), "the lock goes with its run");
    }

    /** Where a killed run stood: its checkpoint's step and its visible files. */
    private static String progress(Path out) throws IOException {
        Path state = out.resolve("checkpoint/state.json");
        String step = Files.exists(state) ? "checkpoint at step " + JSON.readTree(state.toFile()).get("step") : "no checkpoint";
        try (Stream<Path> s = Files.list(out)) {
            return step + ", " + s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    // ------------------------------------------------------------------ comparisons

    /** Every file of {@code expected} and nothing else in {@code actual}, byte for byte (timings apart). */
    static void assertSameFiles(Path expected, Path actual) throws IOException {
        Map<String, Path> e = files(expected);
        Map<String, Path> a = files(actual);
        assertEquals(e.keySet(), a.keySet(), "the files of " + actual + " (hidden leftovers included)");
        for (String name : e.keySet()) {
            byte[] x = Files.readAllBytes(e.get(name));
            byte[] y = Files.readAllBytes(a.get(name));
            if (name.equals(RunLock.FILE)) {
                continue; // the lock file holds the last holder's process id
            }
            if (name.endsWith("metrics.jsonl")) {
                assertEquals(withoutTimes(x), withoutTimes(y), name);
            } else if (name.equals(BuiltinPretraining.CARD)) {
                ObjectNode cx = (ObjectNode) JSON.readTree(x);
                ObjectNode cy = (ObjectNode) JSON.readTree(y);
                cx.remove(BuiltinPretraining.CARD_TIMINGS);
                cy.remove(BuiltinPretraining.CARD_TIMINGS);
                assertEquals(cx, cy, name + " (its timings apart)");
            } else {
                assertArrayEquals(x, y, name + " differs from the uninterrupted run's");
            }
        }
    }

    /** Relative path → file, for every regular file under {@code root}. */
    private static Map<String, Path> files(Path root) throws IOException {
        Map<String, Path> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            s.filter(Files::isRegularFile).forEach(p -> out.put(root.relativize(p).toString(), p));
        }
        return out;
    }

    private static String withoutTimes(byte[] metrics) {
        return new String(metrics, StandardCharsets.UTF_8).replaceAll(",\"seconds_per_step\":[0-9.Ee-]+", "");
    }

    // ------------------------------------------------------------------ the watcher

    /**
     * Reads every visible file of a run directory over and over while a run writes it, and
     * records any that is partial. Hidden files (a lock, temporary files of atomic writes) are
     * not outputs; they are never read by promptlab as results.
     */
    static final class PartialFileWatcher extends Thread {
        private final Path root;
        private final ConcurrentLinkedQueue<String> partial = new ConcurrentLinkedQueue<>();
        private volatile boolean stop;

        PartialFileWatcher(Path root) {
            this.root = root;
            setDaemon(true);
        }

        @Override
        public void run() {
            while (!stop) {
                checkOnce();
                java.util.concurrent.locks.LockSupport.parkNanos(500_000); // leave the 2 cores to the run watched
            }
        }

        void stopAndJoin() throws InterruptedException {
            stop = true;
            join();
        }

        List<String> partial() {
            return List.copyOf(new java.util.LinkedHashSet<>(partial));
        }

        void checkOnce() {
            if (!Files.isDirectory(root)) {
                return;
            }
            List<Path> visible = new ArrayList<>();
            try (Stream<Path> s = Files.walk(root)) {
                s.filter(p -> !hidden(root.relativize(p))).filter(Files::isRegularFile).forEach(visible::add);
            } catch (IOException | java.io.UncheckedIOException e) {
                return; // a directory renamed while walking: look again
            }
            for (Path p : visible) {
                String problem = problem(p);
                if (problem != null) {
                    partial.add(root.relativize(p) + ": " + problem);
                }
            }
        }

        private static boolean hidden(Path relative) {
            for (Path part : relative) {
                if (part.toString().startsWith(".")) {
                    return true;
                }
            }
            return false;
        }

        /** Why {@code file} is partial, or null when it is whole (or gone: replaced by a rename meanwhile). */
        private static String problem(Path file) {
            String name = file.getFileName().toString();
            try {
                if (name.endsWith(".safetensors")) {
                    byte[] b = Files.readAllBytes(file);
                    Path copy = Files.createTempFile("watch", ".safetensors"); // read what was read, not the path again
                    try {
                        Files.write(copy, b);
                        Safetensors.Header h = Safetensors.readHeader(copy);
                        long end = h.tensors().values().stream().mapToLong(Safetensors.TensorInfo::end).max().orElse(0);
                        return h.dataStart() + end == b.length ? null : "length " + b.length + " but the header says "
                                + (h.dataStart() + end);
                    } finally {
                        Files.deleteIfExists(copy);
                    }
                }
                if (name.endsWith(".jsonl")) {
                    String text = Files.readString(file, StandardCharsets.UTF_8);
                    if (!text.isEmpty() && !text.endsWith("\n")) {
                        return "a line without its end";
                    }
                    for (String line : text.split("\n")) {
                        if (!line.isEmpty()) {
                            JSON.readTree(line);
                        }
                    }
                    return null;
                }
                if (name.endsWith(".json")) {
                    byte[] b = Files.readAllBytes(file);
                    return JSON.readTree(b) == null ? "empty" : null;
                }
                return null;
            } catch (NoSuchFileException e) {
                return null;
            } catch (IOException e) {
                return e.getMessage();
            }
        }
    }
}
