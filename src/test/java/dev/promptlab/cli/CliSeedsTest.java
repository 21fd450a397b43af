package dev.promptlab.cli;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.promptlab.tensor.Safetensors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static dev.promptlab.TestArrays.assertMaxRelativeDifference;
import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code tune --seeds}: one prompt per seed in one batch, each seed a complete run directory equal
 * to a single run with that seed, and a summary (killed and resumed: {@link CrashResumeTest}).
 */
class CliSeedsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path dir;
    private static Path model;
    private static Path train;

    @BeforeAll
    static void makeModelAndData() throws IOException {
        SyntheticText.TaskAndModel t = SyntheticText.taskAndModel(dir);
        train = t.train();
        model = t.model();
    }

    private static List<String> tuneArgs(Path out, int steps, String... extra) {
        List<String> args = new ArrayList<>(List.of("tune", "--model", model.toString(), "--train", train.toString(),
                "--steps", Integer.toString(steps), "--batch-size", "4", "--prompt-length", "3", "--checkpoint-every", "20",
                "--quiet", "--out", out.toString()));
        args.addAll(List.of(extra));
        return args;
    }

    @Test
    void eachSeedIsACompleteRunEqualToItsSingleRun() throws Exception {
        Path run = dir.resolve("seeds");
        CliRunner.Result r = CliRunner.run(tuneArgs(run, 30, "--seeds", "1,10,100").toArray(String[]::new));
        assertEquals(0, r.exitCode(), r.toString());
        JsonNode summary = JSON.readTree(run.resolve("summary.json").toFile());
        assertEquals(3, summary.get("seeds").size());
        double sum = 0;
        for (long seed : new long[] {1, 10, 100}) {
            Path seedDir = run.resolve("seed-" + seed);
            for (String part : List.of("config.json", "metrics.jsonl", "result.json", "checkpoint/state.json",
                    "adapter/adapter_model.safetensors", "adapter/adapter_config.json")) {
                assertTrue(Files.exists(seedDir.resolve(part)), seedDir.resolve(part) + " missing");
            }
            assertEquals(seed, JSON.readTree(seedDir.resolve("config.json").toFile()).get("train_config").get("seed").asLong());
            Path single = dir.resolve("single-" + seed);
            CliRunner.Result s = CliRunner.run(tuneArgs(single, 30, "--seed", Long.toString(seed)).toArray(String[]::new));
            assertEquals(0, s.exitCode(), s.toString());
            assertClose(single.resolve("adapter"), seedDir.resolve("adapter"), 1e-4, "seed " + seed);
            double loss = JSON.readTree(seedDir.resolve("result.json").toFile()).get("final_loss").asDouble();
            assertEquals(JSON.readTree(single.resolve("result.json").toFile()).get("final_loss").asDouble(), loss, 1e-4);
            List<String> own = Files.readAllLines(seedDir.resolve("metrics.jsonl"));
            List<String> alone = Files.readAllLines(single.resolve("metrics.jsonl"));
            assertEquals(alone.size(), own.size());
            for (int i = 0; i < own.size(); i++) { // the seed's own loss, not the batch's sum
                assertEquals(JSON.readTree(alone.get(i)).get("loss").asDouble(), JSON.readTree(own.get(i)).get("loss").asDouble(),
                        1e-4, "metrics line " + i + " of seed " + seed);
            }
            sum += loss;
            assertTrue(r.out().contains("wrote " + seedDir.resolve("adapter")), r.out());
        }
        assertEquals(sum / 3, summary.get("final_loss").get("mean").asDouble(), 1e-9);
        double[] accuracies = new double[3];
        for (int i = 0; i < 3; i++) {
            accuracies[i] = summary.get("seeds").get(i).get("train_accuracy").asDouble();
        }
        double mean = (accuracies[0] + accuracies[1] + accuracies[2]) / 3;
        double var = 0;
        for (double a : accuracies) {
            var += (a - mean) * (a - mean);
        }
        assertEquals(mean, summary.get("train_accuracy").get("mean").asDouble(), 1e-12);
        double std = summary.get("train_accuracy").get("std").asDouble();
        assertEquals(Math.sqrt(var / 2), std, 1e-12, "the sample std of " + java.util.Arrays.toString(accuracies));
        assertEquals(3, summary.get("train_accuracy").get("n").asInt());

        // a seed's directory is a run of its own: it continues alone
        CliRunner.Result alone = CliRunner.run(tuneArgs(run.resolve("seed-10"), 40, "--seed", "10", "--resume")
                .toArray(String[]::new));
        assertEquals(0, alone.exitCode(), alone.toString());
        assertTrue(alone.err().contains("resuming at step 30 of 40"), alone.err());
    }

    /** --train-accuracy N measures on the first N examples, alone or with seeds; 0 skips it. */
    @Test
    void theTrainAccuracySampleIsTheUsersChoice() throws Exception {
        Path some = dir.resolve("accuracy-some");
        CliRunner.Result r = CliRunner.run(tuneArgs(some, 5, "--train-accuracy", "7").toArray(String[]::new));
        assertEquals(0, r.exitCode(), r.toString());
        JsonNode result = JSON.readTree(some.resolve("result.json").toFile());
        assertEquals(7, result.get("train_accuracy_n").asInt());
        assertTrue(r.out().contains("train accuracy"), r.out());
        Path seeds = dir.resolve("accuracy-seeds");
        r = CliRunner.run(tuneArgs(seeds, 5, "--seeds", "1,2", "--train-accuracy", "5").toArray(String[]::new));
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals(5, JSON.readTree(seeds.resolve("seed-2/result.json").toFile()).get("train_accuracy_n").asInt());
        Path none = dir.resolve("accuracy-none");
        r = CliRunner.run(tuneArgs(none, 5, "--train-accuracy", "0").toArray(String[]::new));
        assertEquals(0, r.exitCode(), r.toString());
        JsonNode skipped = JSON.readTree(none.resolve("result.json").toFile());
        assertFalse(skipped.has("train_accuracy"), skipped.toString());
        assertFalse(r.out().contains("train accuracy"), r.out());
        r = CliRunner.run(tuneArgs(dir.resolve("accuracy-bad"), 5, "--train-accuracy", "-1").toArray(String[]::new));
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains("--train-accuracy"), r.err());
    }

    @Test
    void methodsThatCannotShareABatchTrainSeedAfterSeed() throws Exception {
        Path run = dir.resolve("lora-seeds");
        List<String> args = new ArrayList<>(List.of("tune", "--model", model.toString(), "--train", train.toString(),
                "--method", "lora", "--lora-rank", "2", "--lr", "0.001", "--steps", "4", "--batch-size", "4", "--seeds",
                "5,6", "--quiet", "--out", run.toString()));
        CliRunner.Result r = CliRunner.run(args.toArray(String[]::new));
        assertEquals(0, r.exitCode(), r.toString());
        for (String seed : List.of("seed-5", "seed-6")) {
            assertEquals("LORA", JSON.readTree(run.resolve(seed).resolve("adapter/adapter_config.json").toFile())
                    .get("peft_type").asText());
        }
        assertEquals(2, JSON.readTree(run.resolve("summary.json").toFile()).get("seeds").size());
        assertNotEquals(Files.readString(run.resolve("seed-5/result.json")), Files.readString(run.resolve("seed-6/result.json")));
        args.add("--resume");
        CliRunner.Result again = CliRunner.run(args.toArray(String[]::new));
        assertEquals(0, again.exitCode(), again.toString());
        assertTrue(again.err().contains("seed 5 is done"), again.err());
    }

    private static void assertClose(Path expectedAdapter, Path actualAdapter, double relative, String what)
            throws IOException {
        try (NDManager m = NDManager.newBaseManager()) {
            assertMaxRelativeDifference(Safetensors.read(expectedAdapter.resolve("adapter_model.safetensors"), m),
                    Safetensors.read(actualAdapter.resolve("adapter_model.safetensors"), m), relative, what);
        }
    }
}
