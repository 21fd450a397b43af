package dev.promptlab.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.promptlab.study.IclMethod;
import dev.promptlab.study.IclStudyConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code promptlab icl-study}: the issue's three example commands parse into the settings they
 * mean, a small run on a tiny model writes its files, and bad input (no training file, k larger
 * than the training set, an unknown method or metric) is a clear error with exit 2 and no run
 * directory.
 */
class IclStudyCommandTest {
    @TempDir
    static Path shared;
    static Path model;
    static Path train;
    static Path test;
    @TempDir
    Path dir;

    @BeforeAll
    static void tinyModelAndTask() throws IOException {
        model = SyntheticText.initTinyModel(shared, 64);
        train = shared.resolve("train.jsonl");
        test = shared.resolve("test.jsonl");
        Files.write(train, rows(0, 8));
        Files.write(test, rows(8, 4));
    }

    /** "i saw the NOUN today" → "the NOUN runs in the field". */
    private static List<String> rows(int from, int n) {
        List<String> out = new ArrayList<>();
        for (int i = from; i < from + n; i++) {
            String noun = SyntheticText.ANIMALS.get(i);
            out.add("{\"input\": \"i saw the " + noun + " today\", \"output\": \"the " + noun + " runs in the field\"}");
        }
        return out;
    }

    private static IclStudyConfig parse(String... args) {
        IclStudyCommand command = new IclStudyCommand();
        new CommandLine(command).parseArgs(args);
        return command.config();
    }

    @Test
    void theIssuesThreeExampleCommandsMeanWhatTheySay() {
        IclStudyConfig one = parse("--model", "builtin:small", "--task", "builtin:data-to-text", "--out", "RUN");
        assertEquals(List.of("builtin:small"), one.models());
        assertEquals("data-to-text", one.tasks().get(0).builtin());
        assertEquals(List.of(IclMethod.values()), one.methods());
        assertEquals(5, one.seeds().size());

        IclStudyConfig two = parse("--model", model.toString(), "--train", train.toString(), "--test", test.toString(),
                "--metric", "bleu", "--methods", "icl-random,icl-bm25,icl-embedding,pt,ipt,ipt-fixed", "--shots", "1,3",
                "--seeds", "1,2,3,4,5", "--steps", "1000", "--prompt-length", "25", "--out", "RUN");
        assertEquals(List.of("bleu"), two.tasks().get(0).metrics());
        assertEquals("train", two.tasks().get(0).name());
        assertEquals(List.of(1, 3), two.shots());
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L), two.seeds());
        assertEquals(1000, two.steps());
        assertEquals(25, two.promptLength());

        IclStudyConfig quick = parse("--quick", "--out", "RUN");
        assertEquals("quick", quick.preset());
        assertEquals(3, quick.tasks().size());
    }

    @Test
    void aSmallRunWritesTheResultTheReportAndThePredictions() throws IOException {
        Path run = dir.resolve("run");
        CliRunner.Result r = CliRunner.run("icl-study", "--model", model.toString(), "--train", train.toString(), "--test",
                test.toString(), "--metric", "bleu,rouge-l", "--methods", "icl-bm25,pt,ipt", "--shots", "1", "--seeds",
                "1,2", "--steps", "2", "--batch-size", "2", "--prompt-length", "2", "--sweep", "none", "--bins", "2",
                "--out", run.toString());
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().contains("Sun et al.") && r.err().contains("pt k=0 P=2"), r.toString());
        JsonNode result = new ObjectMapper().readTree(run.resolve("result.json").toFile());
        assertEquals(3, result.get("results").size());
        assertTrue(Files.isRegularFile(run.resolve("report.html")));
        assertTrue(Files.isRegularFile(run.resolve("predictions").resolve("model").resolve("train")
                .resolve("ipt-k1-seed2.jsonl")));
    }

    private void assertRefused(String expected, String... args) {
        Path run = dir.resolve("refused");
        List<String> all = new ArrayList<>(List.of("icl-study"));
        all.addAll(List.of(args));
        all.addAll(List.of("--out", run.toString()));
        CliRunner.Result r = CliRunner.run(all.toArray(String[]::new));
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains(expected), "message should contain '" + expected + "':\n" + r.err());
        assertFalse(Files.exists(run), "no run directory may be left behind");
    }

    @Test
    void badInputIsAClearErrorWithExit2AndNoRunDirectory() {
        String m = model.toString();
        assertRefused("no training file", "--model", m, "--test", test.toString());
        assertRefused("k = 9 demonstrations is larger than task train's training set allows: it has 8 training examples",
                "--model", m, "--train", train.toString(), "--test", test.toString(), "--shots", "9");
        assertRefused("unknown method 'magic'; allowed: icl-random, icl-bm25, icl-embedding, pt, ipt, ipt-fixed",
                "--model", m, "--train", train.toString(), "--test", test.toString(), "--methods", "pt,magic");
        assertRefused("unknown metric 'meteor'; allowed: bleu, rouge-l", "--model", m, "--train", train.toString(),
                "--test", test.toString(), "--metric", "bleu,meteor");
        assertRefused("builtin:topic is a classification task", "--model", m, "--task", "builtin:topic");
        assertRefused("--quick fixes models, tasks and the grid", "--quick", "--steps", "5");
        assertRefused("give --model", "--task", "builtin:semantic-parse");
        assertRefused("shots k must be in [1, 64], got 0", "--model", m, "--train", train.toString(), "--test",
                test.toString(), "--shots", "0");
    }
}
