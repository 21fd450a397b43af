package dev.promptlab.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code tune --method} for every method through the command line: each writes its files, eval
 * and generate read the adapter back by its peft_type, flags of another method and adapters of
 * another model are refused with the reason.
 */
class CliMethodsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path shared;
    static Path model;
    static Path otherModel;
    static Path train;
    @TempDir
    Path dir;

    @BeforeAll
    static void tinyModels() throws IOException {
        Path corpus = shared.resolve("corpus.txt");
        SyntheticText.writeCorpus(corpus, 300, 4);
        train = shared.resolve("train.jsonl");
        SyntheticText.writeTask(train, 10, false, 2);
        model = shared.resolve("model");
        otherModel = shared.resolve("other");
        for (Object[] m : new Object[][] {{model, "2"}, {otherModel, "1"}}) {
            CliRunner.Result r = CliRunner.run("init-model", "--arch", "gpt", "--layers", (String) m[1], "--heads", "2",
                    "--hidden", "16", "--context", "32", "--corpus", corpus.toString(), "--out", m[0].toString());
            assertEquals(0, r.exitCode(), r.toString());
        }
    }

    private CliRunner.Result tune(Path run, String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of("tune", "--model", model.toString(), "--train",
                train.toString(), "--steps", "4", "--batch-size", "4", "--quiet", "--out", run.toString()));
        args.addAll(List.of(extra));
        if (!args.contains("lora") && !args.contains("full")) {
            args.addAll(List.of("--prompt-length", "3")); // a prompt method's option: lora and full refuse it
        }
        return CliRunner.run(args.toArray(String[]::new));
    }

    @Test
    void everyMethodTunesAndItsAdapterEvaluates() throws Exception {
        String[][] methods = {{"PROMPT_TUNING", "--method", "soft-prompt"},
                {"PREFIX_TUNING", "--method", "prefix", "--prefix-projection", "--encoder-hidden-size", "8"},
                {"P_TUNING", "--method", "p-tuning", "--encoder-type", "lstm", "--encoder-hidden-size", "8"},
                {"LORA", "--method", "lora", "--lora-rank", "2", "--lora-dropout", "0.1", "--lr", "0.001"}};
        for (String[] m : methods) {
            Path run = dir.resolve(m[2]);
            CliRunner.Result r = tune(run, java.util.Arrays.copyOfRange(m, 1, m.length));
            assertEquals(0, r.exitCode(), r.toString());
            JsonNode config = JSON.readTree(run.resolve("adapter/adapter_config.json").toFile());
            assertEquals(m[0], config.get("peft_type").asText());
            assertTrue(JSON.readTree(run.resolve("result.json").toFile()).get("trainable_parameters").asLong() > 0);
            Path evalJson = dir.resolve(m[2] + ".json");
            CliRunner.Result e = CliRunner.run("eval", "--model", model.toString(), "--adapter", run.resolve("adapter")
                    .toString(), "--data", train.toString(), "--json", evalJson.toString());
            assertEquals(0, e.exitCode(), m[2] + ": " + e);
            CliRunner.Result g = CliRunner.run("generate", "--model", model.toString(), "--adapter",
                    run.resolve("adapter").toString(), "--text", "i saw the cat", "--max-tokens", "2");
            assertEquals(0, g.exitCode(), m[2] + ": " + g);
            if (m[2].equals("p-tuning")) { // the encoder's output vectors project to tokens like a soft prompt's
                CliRunner.Result in = CliRunner.run("inspect", "--model", model.toString(), "--adapter",
                        run.resolve("adapter").toString(), "--json");
                assertEquals(0, in.exitCode(), in.toString());
                JsonNode a = JSON.readTree(in.out()).get("adapter");
                assertEquals(3, a.get("nearest_tokens").size(), a.toString());
                assertTrue(a.has("projected_text"), a.toString());
            }
            // resuming with more steps continues from the checkpoint
            CliRunner.Result more = CliRunner.run(resumeArgs(run, m));
            assertEquals(0, more.exitCode(), m[2] + ": " + more);
            assertEquals(6, JSON.readTree(run.resolve("result.json").toFile()).get("steps").asInt());
        }
        // several adapters of different methods, evaluated and continued in one call: each result is
        // what evaluating that adapter alone gives
        List<String> args = new java.util.ArrayList<>(List.of("eval", "--model", model.toString(), "--data",
                train.toString(), "--json", dir.resolve("all.json").toString()));
        List<String> gen = new java.util.ArrayList<>(List.of("generate", "--model", model.toString(), "--text",
                "i saw the cat", "--max-tokens", "2"));
        for (String[] m : methods) {
            args.addAll(List.of("--adapter", dir.resolve(m[2]).resolve("adapter").toString()));
            gen.addAll(List.of("--adapter", dir.resolve(m[2]).resolve("adapter").toString()));
        }
        assertEquals(0, CliRunner.run(args.toArray(String[]::new)).exitCode());
        JsonNode all = JSON.readTree(dir.resolve("all.json").toFile()).get("adapters");
        assertEquals(methods.length, all.size());
        for (int i = 0; i < methods.length; i++) {
            Path single = dir.resolve("single-" + i + ".json");
            assertEquals(0, CliRunner.run("eval", "--model", model.toString(), "--adapter", dir.resolve(methods[i][2])
                    .resolve("adapter").toString(), "--data", train.toString(), "--json", single.toString()).exitCode());
            assertEquals(JSON.readTree(single.toFile()).get("accuracy").asDouble(), all.get(i).get("accuracy").asDouble(),
                    1e-9, methods[i][2]);
        }
        CliRunner.Result g = CliRunner.run(gen.toArray(String[]::new));
        assertEquals(0, g.exitCode(), g.toString());
        assertEquals(methods.length, g.out().lines().filter(l -> l.startsWith("== ")).count(), g.out());
    }

    private static String[] resumeArgs(Path run, String[] m) {
        List<String> args = new java.util.ArrayList<>(List.of("tune", "--model", model.toString(), "--train",
                train.toString(), "--steps", "6", "--batch-size", "4", "--quiet", "--resume", "--out", run.toString()));
        args.addAll(List.of(m).subList(1, m.length));
        if (!args.contains("lora")) {
            args.addAll(List.of("--prompt-length", "3"));
        }
        return args.toArray(String[]::new);
    }

    @Test
    void fullTuningWritesAModelThatEvalLoads() throws Exception {
        Path run = dir.resolve("full");
        CliRunner.Result r = tune(run, "--method", "full", "--lr", "0.001");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(Files.exists(run.resolve("model/config.json")) && Files.exists(run.resolve("model/model.safetensors")));
        assertFalse(Files.exists(run.resolve("adapter")));
        CliRunner.Result e = CliRunner.run("eval", "--model", run.resolve("model").toString(), "--data",
                train.toString(), "--json", dir.resolve("full.json").toString());
        assertEquals(0, e.exitCode(), e.toString());
        CliRunner.Result asAdapter = CliRunner.run("eval", "--model", model.toString(), "--adapter",
                run.resolve("model").toString(), "--data", train.toString(), "--json", dir.resolve("x.json").toString());
        assertEquals(2, asAdapter.exitCode(), asAdapter.toString());
        assertTrue(asAdapter.err().contains("--model"), asAdapter.err());
    }

    @Test
    void flagsOfAnotherMethodAndAdaptersOfAnotherModelAreRefused() {
        Path run = dir.resolve("bad");
        CliRunner.Result r = tune(run, "--method", "prefix", "--lora-rank", "4");
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains("--lora-rank") && r.err().contains("prefix"), r.err());
        assertFalse(Files.exists(run));

        Path prefixRun = dir.resolve("prefix");
        assertEquals(0, tune(prefixRun, "--method", "prefix").exitCode());
        CliRunner.Result e = CliRunner.run("eval", "--model", otherModel.toString(), "--adapter",
                prefixRun.resolve("adapter").toString(), "--data", train.toString(), "--json", dir.resolve("e.json").toString());
        assertEquals(2, e.exitCode(), e.toString());
        assertTrue(e.err().contains(prefixRun.resolve("adapter").toString()) && e.err().contains("layers"), e.err());
    }
}
