package dev.promptlab.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.promptlab.tensor.Rng;
import dev.promptlab.tensor.Safetensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A tune run that diverges, through the command line: one word's input embedding is NaN, so the
 * loss turns NaN at the first step whose batch holds the one example with that word. The run
 * stops there (exit 1) with a message naming the step, the intact last checkpoint and the
 * command to continue with a lower rate; {@code --resume --lr} (lower) is accepted, restores
 * that checkpoint and records the old rate; here the cause is in the data, so it stops again at
 * the same step, and with the example fixed the resumed run finishes at the lower rate.
 */
class CliDivergenceTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int EVERY = 2;
    @TempDir
    Path dir;

    @Test
    void stopsNamingTheStepAndResumesFromTheLastCheckpointWithALowerRate() throws Exception {
        Path corpus = dir.resolve("corpus.txt");
        SyntheticText.writeCorpus(corpus, 300, 4);
        Path model = dir.resolve("m");
        CliRunner.Result r = CliRunner.run("init-model", "--arch", "llama", "--layers", "1", "--heads", "2", "--hidden",
                "16", "--context", "32", "--corpus", corpus.toString(), "--out", model.toString());
        assertEquals(0, r.exitCode(), r.toString());
        poison(model, wordId(model, "cake"));

        List<String> lines = new ArrayList<>();
        for (String word : List.of("cat", "dog", "horse", "cow", "sheep", "goat", "bread", "cheese", "apple", "pear",
                "rice", "soup")) {
            lines.add("{\"input\": \"i like the " + word + "\", \"output\": \"" + (lines.size() < 6 ? "yes" : "no") + "\"}");
        }
        lines.add("{\"input\": \"i like the cake\", \"output\": \"no\"}"); // example 12 (0-based): the poisoned one
        Path data = dir.resolve("train.jsonl");
        Files.write(data, lines);
        // with one example per step, the poisoned one comes at its place in seed s's first epoch (data seed s + 1)
        long seed = 0;
        int position = -1;
        for (long s = 0; position < 2 * EVERY || position > 10; s++) {
            seed = s;
            position = indexOf(new Rng(s + 1).permutation(lines.size()), 12);
        }
        int badStep = position + 1;
        int lastCheckpoint = position / EVERY * EVERY;

        Path run = dir.resolve("run");
        List<String> args = new ArrayList<>(List.of("tune", "--model", model.toString(), "--train", data.toString(),
                "--steps", "20", "--batch-size", "1", "--prompt-length", "2", "--checkpoint-every", Integer.toString(EVERY),
                "--seed", Long.toString(seed), "--quiet", "--out", run.toString()));
        CliRunner.Result diverged = CliRunner.run(args.toArray(String[]::new));
        assertEquals(1, diverged.exitCode(), diverged.toString());
        String message = diverged.err().strip();
        assertFalse(message.contains("\n"), message);
        assertTrue(message.startsWith("error: training diverged at step " + badStep + ": the loss is NaN"), message);
        assertTrue(message.contains("the last checkpoint (" + run.resolve("checkpoint") + ", step " + lastCheckpoint
                + ") is intact: continue from it with a lower learning rate, e.g. add --resume --lr 0.003"), message);
        assertEquals(lastCheckpoint, JSON.readTree(run.resolve("checkpoint/state.json").toFile()).get("step").asInt());
        for (String f : List.of("parameters.safetensors", "optimizer.safetensors")) {
            Path file = run.resolve("checkpoint").resolve(f);
            Safetensors.Header h = Safetensors.readHeader(file);
            long end = h.tensors().values().stream().mapToLong(Safetensors.TensorInfo::end).max().orElse(0);
            assertEquals(h.dataStart() + end, Files.size(file), f + " is whole");
        }
        assertFalse(Files.exists(run.resolve("adapter")), "a diverged run writes no adapter");

        List<String> resume = new ArrayList<>(args);
        resume.addAll(List.of("--resume", "--lr", "0.003"));
        CliRunner.Result again = CliRunner.run(resume.toArray(String[]::new));
        assertEquals(1, again.exitCode(), again.toString());
        assertTrue(again.err().contains("resuming at step " + lastCheckpoint + " of 20"), again.err());
        assertTrue(again.err().contains("training diverged at step " + badStep + ": the loss is NaN"), again.err());
        JsonNode history = JSON.readTree(run.resolve("config.json").toFile()).get("train_config").get("lr_history");
        assertEquals("[{\"lr\":0.03,\"until_step\":" + lastCheckpoint + "}]", history.toString());

        lines.set(12, "{\"input\": \"i like the pie\", \"output\": \"no\"}"); // the data fixed
        Files.write(data, lines);
        CliRunner.Result fixed = CliRunner.run(resume.toArray(String[]::new));
        assertEquals(0, fixed.exitCode(), fixed.toString());
        assertTrue(fixed.err().contains("resuming at step " + lastCheckpoint + " of 20"), fixed.err());
        JsonNode config = JSON.readTree(run.resolve("config.json").toFile()).get("train_config");
        assertEquals(0.003, config.get("lr").asDouble());
        assertEquals(1, config.get("lr_history").size(), "the same lower rate again adds no entry");
        for (String line : Files.readAllLines(run.resolve("metrics.jsonl"))) {
            JsonNode row = JSON.readTree(line);
            assertTrue(Double.isFinite(row.get("loss").asDouble()), line);
            if (row.get("step").asInt() > lastCheckpoint) {
                assertTrue(row.get("lr").asDouble() <= 0.003, "the resumed steps use the lower rate: " + line);
            }
        }
        assertTrue(Files.exists(run.resolve("adapter/adapter_model.safetensors")));
    }

    private static int indexOf(int[] order, int value) {
        for (int i = 0; i < order.length; i++) {
            if (order[i] == value) {
                return i;
            }
        }
        throw new AssertionError(value + " not in " + Arrays.toString(order));
    }

    /** The id of a one-token word (tokenize prints BOS first). */
    private static int wordId(Path model, String word) throws IOException {
        CliRunner.Result r = CliRunner.run("tokenize", "--model", model.toString(), "--text", word);
        assertEquals(0, r.exitCode(), r.toString());
        JsonNode ids = JSON.readTree(r.out());
        return ids.get(ids.size() - 1).asInt();
    }

    /** Sets row {@code id} of the input embedding to NaN (the output layer is a separate matrix in llama). */
    private static void poison(Path model, int id) throws IOException {
        Path weights = model.resolve("model.safetensors");
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> all = new LinkedHashMap<>(Safetensors.read(weights, m));
            NDArray embed = all.get("model.embed_tokens.weight"); // (V, C)
            float[] v = embed.toFloatArray();
            int c = (int) embed.getShape().get(1);
            Arrays.fill(v, id * c, (id + 1) * c, Float.NaN);
            all.put("model.embed_tokens.weight", m.create(v, embed.getShape()));
            Safetensors.write(weights, all, Safetensors.readHeader(weights).metadata());
        }
    }
}
