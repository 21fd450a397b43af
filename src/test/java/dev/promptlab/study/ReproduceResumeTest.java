package dev.promptlab.study;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code reproduce}'s run directory, with a tiny Bayesian study and a stand-in second study (the
 * quick studies take minutes): a call stopped inside a study resumes it cell by cell, a call
 * stopped after a study keeps it and runs only the rest, and either way the files equal an
 * uninterrupted call's apart from the documented timings; other runs and fresh starts over a run
 * are refused.
 */
class ReproduceResumeTest {
    @TempDir
    static Path dir;
    static Path reference;
    /** Calls of the second study's runner, and whether each was asked to resume. */
    static final List<Boolean> SECOND_CALLS = new ArrayList<>();

    static List<Reproduce.Study> studies(Consumer<String> bayesLog) {
        return List.of(new Reproduce.Study("bayes", "Bayes (tiny)", (d, resume, threads, log) -> {
            BayesStudy.Outcome o = BayesRun.run(BayesRunTest.CONFIG, d, resume, Map.of("threads", threads), line -> {
                log.accept(line);
                bayesLog.accept(line);
            });
            return new BayesReport(BayesRunTest.CONFIG, o, Map.of()).findings(BayesRunTest.CONFIG.tuneLength());
        }), new Reproduce.Study("second", "A stand-in", (d, resume, threads, log) -> {
            SECOND_CALLS.add(resume);
            Files.createDirectories(d);
            Files.deleteIfExists(d.resolve("started.txt")); // a resumed study takes up what it started
            Files.writeString(d.resolve("report.html"), "<p>second</p>\n");
            return List.of(new Finding("a claim", "a figure", Finding.Verdict.AGREES));
        }));
    }

    @BeforeAll
    static void uninterrupted() throws IOException {
        reference = dir.resolve("reference");
        Reproduce.run(reference, studies(s -> {}), false, 1, s -> {});
    }

    @Test
    void aCallStoppedInsideAStudyResumesThatStudy() throws IOException {
        Path out = dir.resolve("inside");
        assertThrows(IllegalStateException.class, () -> Reproduce.run(out, studies(line -> {
            if (line.contains("transformer meta-trained in")) {
                throw new IllegalStateException("stopped");
            }
        }), false, 1, s -> {}));
        assertFalse(Files.exists(out.resolve(Reproduce.STORE)), "no study finished");
        List<String> log = new ArrayList<>();
        Reproduce.run(out, studies(s -> {}), true, 1, log::add);
        assertTrue(log.contains("bayes: resuming its run in " + out.resolve("bayes")), log.toString());
        assertTrue(log.contains("bayes: transformer meta-trained before: its weights are loaded"), log.toString());
        assertSameRun(reference, out);
    }

    @Test
    void aCallStoppedAfterAStudyKeepsItAndRunsTheRest() throws IOException {
        Path out = dir.resolve("after");
        AtomicInteger bayesLines = new AtomicInteger();
        SECOND_CALLS.clear();
        // the second study stops midway: the first is complete and stored by then
        List<Reproduce.Study> failing = List.of(studies(s -> bayesLines.incrementAndGet()).get(0),
                new Reproduce.Study("second", "A stand-in", (d, resume, threads, log) -> {
                    Files.createDirectories(d);
                    Files.writeString(d.resolve("started.txt"), "half\n");
                    throw new IllegalStateException("stopped in the second study");
                }));
        assertThrows(IllegalStateException.class, () -> Reproduce.run(out, failing, false, 1, s -> {}));
        int linesOfTheFirstCall = bayesLines.get();

        List<String> log = new ArrayList<>();
        Reproduce.run(out, studies(s -> bayesLines.incrementAndGet()), true, 1, log::add);
        assertEquals(linesOfTheFirstCall, bayesLines.get(), "the finished study does not run again");
        assertTrue(log.contains("bayes: done before"), log.toString());
        assertEquals(List.of(true), SECOND_CALLS, "the interrupted study is resumed in its directory");
        assertSameRun(reference, out);
    }

    @Test
    void anotherKindOfRunOrAFreshStartOverARunIsRefused() throws IOException {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Reproduce.run(reference.resolve("bayes"), studies(s -> {}), true, 1, s -> {}));
        assertEquals(reference.resolve("bayes") + ": nothing to resume here: it holds a bayes run, not a reproduce run ("
                + reference.resolve("bayes/config.json") + "); choose another --out", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Reproduce.run(reference, studies(s -> {}), false, 1,
                s -> {}));
        assertTrue(e.getMessage().contains("or add --resume to continue the reproduce run in it"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Reproduce.run(reference, studies(s -> {}).subList(0, 1),
                true, 1, s -> {}));
        assertTrue(e.getMessage().contains("studies was [\"bayes\",\"second\"]"), e.getMessage());
    }

    /** The index's seconds column and the stored entries' seconds are timings, as are the Bayesian study's. */
    static void assertSameRun(Path expected, Path actual) throws IOException {
        RunFiles.assertSame(expected, actual, (name, content) -> {
            if (name.startsWith("bayes/")) {
                return switch (name.substring("bayes/".length())) {
                    case BayesStore.FILE -> RunFiles.jsonlWithout(content, List.of("seconds"));
                    case "result.json" -> RunFiles.jsonWithout(content, List.of("seconds"));
                    case "report.html" -> BayesRunTest.withoutTimings(RunFiles.text(content));
                    default -> null;
                };
            }
            return switch (name) {
                case Reproduce.STORE -> RunFiles.jsonlWithout(content, List.of("seconds"));
                case "index.html" -> RunFiles.text(content).replaceAll("(<td>\\d+ of \\d+</td><td>)\\d+(</td>)", "$1S$2");
                default -> null;
            };
        });
    }
}
