package dev.promptlab.study;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The Bayesian study's run directory: stopped after any method (or right after a meta-training),
 * {@code resume} finishes it with the files of an uninterrupted run, timings apart (the fields
 * {@link BayesRun} names), without repeating finished methods or meta-training a stored network
 * again; the directory is locked, and other settings or a fresh start over a run are refused.
 */
class BayesRunTest {
    /** Both networks (LoRA is the transformer's only), both variants, tiny sizes: a run takes seconds. */
    static final BayesStudyConfig CONFIG = new BayesStudyConfig("custom", List.of("lstm", "transformer"), true, true, 8,
            2, 16, 3, 4, 20, 1e-3, 2, 4, 10, 0.05, 0.003, 1.0, 2, 2, 2, 4, 6, 200, 1);
    private static final Map<String, Object> RECORDED = Map.of("threads", 1);
    @TempDir
    static Path dir;
    static Path reference;

    @BeforeAll
    static void uninterrupted() throws IOException {
        reference = dir.resolve("reference");
        BayesRun.run(CONFIG, reference, false, RECORDED, s -> {});
    }

    /** Throws once a log line contains every one of {@code parts} (a line is logged once its work is stored). */
    static Consumer<String> stopAt(List<String> log, String... parts) {
        return line -> {
            log.add(line);
            if (List.of(parts).stream().allMatch(line::contains)) {
                throw new IllegalStateException("stopped at: " + line);
            }
        };
    }

    @ParameterizedTest(name = "stopped at {0}")
    @ValueSource(strings = {"lstm, pretrained|single-coin|HardPT", "transformer meta-trained in",
            "transformer, untrained|two-coin-mixture|LoRAWT"})
    void aStoppedRunResumesToTheUninterruptedRunsFiles(String where) throws IOException {
        Path out = dir.resolve("stopped-" + where.replaceAll("[^a-z]+", "-"));
        List<String> first = new ArrayList<>();
        IllegalStateException stop = assertThrows(IllegalStateException.class,
                () -> BayesRun.run(CONFIG, out, false, RECORDED, stopAt(first, where.split("\\|"))));
        assertTrue(stop.getMessage().startsWith("stopped at"), stop.getMessage());
        int finishedBefore = Files.readAllLines(out.resolve(BayesStore.FILE)).size();

        List<String> second = new ArrayList<>();
        BayesRun.run(CONFIG, out, true, RECORDED, second::add);
        assertSameRun(reference, out);
        assertEquals(finishedBefore, second.stream().filter(l -> l.endsWith("(done before)")).count()
                + second.stream().filter(l -> l.contains("meta-trained before")).count(),
                "every stored cell is reused, none is run again");
        if (where.startsWith("transformer")) { // its pretrained cells are left (first case) or all done (second)
            String loaded = "transformer meta-trained before: its weights are "
                    + (where.contains("meta-trained") ? "loaded" : "not needed");
            assertTrue(second.contains(loaded), loaded);
            assertTrue(second.stream().noneMatch(l -> l.contains("meta-training: step")), "nothing meta-trained again");
        }
    }

    @Test
    void theRunIsLockedAndOtherSettingsOrAFreshStartAreRefused() throws IOException {
        Map<String, byte[]> before = RunFiles.contents(reference);
        try (RunLock held = RunLock.acquire(reference)) {
            RunLockedException e = assertThrows(RunLockedException.class,
                    () -> BayesRun.run(CONFIG, reference, true, RECORDED, s -> {}));
            assertTrue(e.getMessage().startsWith(reference + " is in use by another promptlab run"), e.getMessage());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BayesRun.run(CONFIG.with(CONFIG.networks(), true, true, 3), reference, true, RECORDED, s -> {}));
        assertEquals("--resume: " + reference + " holds a bayes run with other settings: reps was 2 in "
                + reference.resolve("config.json") + " but is 3 now; resume with the options the run was started with,"
                + " or choose another --out", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> BayesRun.run(CONFIG, reference, false, RECORDED, s -> {}));
        assertTrue(e.getMessage().contains("already exists and is not empty; choose another --out, or add --resume to"
                + " continue the bayes run in it"), e.getMessage());
        Map<String, byte[]> after = RunFiles.contents(reference);
        assertEquals(before.keySet(), after.keySet());
        before.forEach((name, bytes) -> assertArrayEquals(bytes, after.get(name), name));
    }

    /**
     * A Bayesian run's files equal the uninterrupted run's, apart from the timings {@link BayesRun}
     * documents: "seconds" in cells.jsonl and result.json, the meta-training table's seconds and the
     * total time in report.html.
     */
    static void assertSameRun(Path expected, Path actual) throws IOException {
        RunFiles.assertSame(expected, actual, (name, content) -> switch (name) {
            case BayesStore.FILE -> RunFiles.jsonlWithout(content, List.of("seconds"));
            case "result.json" -> RunFiles.jsonWithout(content, List.of("seconds"));
            case "report.html" -> withoutTimings(RunFiles.text(content));
            default -> null;
        });
    }

    static String withoutTimings(String report) {
        return report.replaceAll("(<tr><td>(lstm|transformer)</td>(<td>[^<]*</td>){4}<td>)\\d+(</td></tr>)", "$1S$4")
                .replaceAll("Total time: \\d+ s\\.", "Total time: S s.");
    }
}
