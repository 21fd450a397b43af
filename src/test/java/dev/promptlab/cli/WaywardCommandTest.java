package dev.promptlab.cli;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Bad input to {@code promptlab wayward}: exit code 2, a message naming the value, and no run
 * directory left behind; and the issue's example command lines parse into the settings they say.
 * (A model without input embeddings to project onto cannot be loaded from a directory: every
 * architecture promptlab reads has a token embedding table. {@code WaywardStudyTest} checks that
 * refusal on a coin network.)
 */
class WaywardCommandTest extends WaywardTestBase {
    /**
     * A wayward run on the test world, the base options replaced by {@code overrides} (option,
     * value, option, value, ...), expected to be refused.
     */
    private void assertRefused(String expectedInMessage, String... overrides) {
        Path run = dir.resolve("run");
        Map<String, String> options = new LinkedHashMap<>();
        options.put("--model", world.model.toString());
        options.put("--train", world.train.toString());
        options.put("--test", world.test.toString());
        options.put("--targets", world.targets.toString());
        options.put("--gammas", "0,1");
        options.put("--seeds", "1");
        options.put("--steps", "2");
        options.put("--out", run.toString());
        for (int i = 0; i < overrides.length; i += 2) {
            options.put(overrides[i], overrides[i + 1]);
        }
        List<String> args = new ArrayList<>(List.of("wayward", "--quiet"));
        options.forEach((k, v) -> args.addAll(List.of(k, v)));
        CliRunner.Result r = CliRunner.run(args.toArray(String[]::new));
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains(expectedInMessage), "message should name '" + expectedInMessage + "':\n" + r.err());
        assertFalse(Files.exists(run), "no run directory may be left behind");
    }

    private Path targets(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content);
    }

    @Test
    void missingOrEmptyTargetFileIsNamed() throws IOException {
        Path missing = dir.resolve("none.txt");
        assertRefused("targets file " + missing + " does not exist", "--targets", missing.toString());
        Path empty = targets("empty.txt", "");
        assertRefused("targets file " + empty + " is empty", "--targets", empty.toString());
    }

    @Test
    void targetLongerThanTheContextIsNamed() throws IOException {
        String longText = String.join(" ", java.util.Collections.nCopies(10, "the cat runs in the field"));
        Path file = targets("long.txt", longText + "\n");
        assertRefused("has 60 tokens, but the model's context holds 32 positions", "--targets", file.toString());
    }

    @Test
    void targetWithNoWritableWordIsNamed() throws IOException {
        Path file = targets("alien.txt", "zebra giraffe okapi\n");
        assertRefused("target \"zebra giraffe okapi\"", "--targets", file.toString());
        assertRefused("has no word the model's tokenizer can write", "--targets", file.toString());
    }

    @Test
    void negativeGammaIsNamed() {
        assertRefused("gamma must be a finite number >= 0, got -0.1", "--gammas", "0,-0.1");
    }

    @Test
    void unknownScoringMetricAndInitAreNamedWithTheAllowedValues() {
        assertRefused("unknown scoring 'sideways' (allowed: direct, channel)", "--scoring", "sideways");
        assertRefused("unknown metric 'manhattan' (allowed: l2, cosine, dot)", "--metric", "manhattan");
        assertRefused("unknown --init 'text' (allowed: target, vocab)", "--init", "text");
    }

    @Test
    void builtinTargetsNeedABuiltinTaskAndTasksNeedData() {
        assertRefused("builtin:true needs the built-in task", "--targets", "builtin:true");
        Path run = dir.resolve("run");
        CliRunner.Result r = CliRunner.run("wayward", "--model", world.model.toString(), "--out", run.toString());
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains("give --task builtin:NAME"), r.err());
        assertFalse(Files.exists(run));
    }

    @Test
    void anExistingRunIsNeverOverwritten() throws IOException {
        Path run = Files.createDirectories(dir.resolve("run"));
        Files.writeString(run.resolve("result.json"), "{\"keep\": true}");
        CliRunner.Result r = CliRunner.run("wayward", "--model", world.model.toString(), "--train",
                world.train.toString(), "--test", world.test.toString(), "--targets", world.targets.toString(),
                "--steps", "2", "--quiet", "--out", run.toString());
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains("already exists"), r.err());
        assertEquals("{\"keep\": true}", Files.readString(run.resolve("result.json")));
        r = CliRunner.run("wayward", "--model", world.model.toString(), "--train", world.train.toString(), "--test",
                world.test.toString(), "--targets", world.targets.toString(), "--steps", "2", "--resume", "--quiet",
                "--out", dir.resolve("nothing").toString());
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains("nothing to resume"), r.err());
    }

    @Test
    void theIssuesExampleCommandsParse() {
        WaywardCommand quick = parse("--quick", "--out", "RUN");
        assertEquals("quick", quick.config().preset());
        assertEquals(List.of("builtin:tiny", "builtin:small"), quick.config().models());
        WaywardCommand builtin = parse("--model", "builtin:small", "--task", "builtin:topic", "--targets",
                "builtin:contradictory", "--steps", "500", "--out", "RUN");
        var c = builtin.config();
        assertEquals(List.of("builtin:contradictory"), c.targets());
        assertEquals(500, c.steps());
        assertEquals(List.of(1L, 10L, 100L), c.seeds());
        assertEquals(8, c.gammas().size());
        assertEquals("custom", c.preset(), "500 steps are not the paper's 2000");
        WaywardCommand files = parse("--model", "DIR", "--train", "train.jsonl", "--test", "test.jsonl", "--template",
                "{input} It was {output} .", "--labels", "terrible,great", "--targets", "my-targets.txt", "--gammas",
                "0,0.001,0.01,0.03", "--seeds", "1,10,100", "--out", "RUN");
        c = files.config();
        assertEquals(List.of(0.0, 0.001, 0.01, 0.03), c.gammas());
        assertEquals(List.of("my-targets.txt"), c.targets());
        assertEquals(List.of("terrible", "great"), c.tasks().get(0).train().labels());
        assertEquals(2000, c.steps());
        assertEquals(0.01, c.learningRate());
        assertEquals(8, c.batchSize());
        WaywardCommand sweep = parse("--models", "builtin:tiny,builtin:small", "--task", "builtin:topic", "--lengths",
                "4,7", "--targets", "builtin:true", "--out", "RUN");
        assertEquals(List.of("builtin:true", "builtin:unrelated"), sweep.config().targets(),
                "--lengths adds the unrelated targets");
        assertEquals(List.of(4, 7), sweep.config().lengths());
    }

    private static WaywardCommand parse(String... args) {
        WaywardCommand command = new WaywardCommand();
        new picocli.CommandLine(command).parseArgs(args);
        return command;
    }
}
