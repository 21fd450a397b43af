package dev.promptlab.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** tune --resume continues a run from its checkpoint and refuses to mix two different experiments. */
class CliResumeTest {
    @TempDir
    Path dir;

    @Test
    void resumeContinuesTheRunAndChecksItIsTheSameExperiment() throws Exception {
        Path corpus = dir.resolve("corpus.txt");
        Path train = dir.resolve("train.jsonl");
        SyntheticText.writeCorpus(corpus, 300, 7);
        SyntheticText.writeTask(train, 20, false, 8);
        String model = dir.resolve("m").toString();
        String run = dir.resolve("run").toString();
        assertEquals(0, CliRunner.run("init-model", "--arch", "gpt", "--layers", "1", "--heads", "2", "--hidden", "16",
                "--context", "32", "--corpus", corpus.toString(), "--out", model).exitCode());
        CliRunner.Result first = CliRunner.run("tune", "--model", model, "--train", train.toString(), "--steps", "20",
                "--checkpoint-every", "10", "--quiet", "--out", run);
        assertEquals(0, first.exitCode(), first.toString());

        CliRunner.Result changed = CliRunner.run("tune", "--model", model, "--train", train.toString(), "--steps", "30",
                "--prompt-length", "5", "--resume", "--quiet", "--out", run);
        assertEquals(2, changed.exitCode(), changed.toString());
        assertTrue(changed.err().contains("prompt_length"), changed.err());

        CliRunner.Result resumed = CliRunner.run("tune", "--model", model, "--train", train.toString(), "--steps", "30",
                "--checkpoint-every", "10", "--resume", "--quiet", "--out", run);
        assertEquals(0, resumed.exitCode(), resumed.toString());
        assertTrue(resumed.err().contains("resuming at step 20 of 30"), resumed.err());
        List<String> lines = Files.readAllLines(Path.of(run, "metrics.jsonl"));
        ObjectMapper json = new ObjectMapper();
        assertEquals(List.of(10, 20, 30), lines.stream().map(l -> {
            try {
                return json.readTree(l).get("step").asInt();
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        }).toList());
        assertEquals(30, json.readTree(Path.of(run, "checkpoint", "state.json").toFile()).get("step").asInt());

        CliRunner.Result nothing = CliRunner.run("tune", "--model", model, "--train", train.toString(), "--steps", "5",
                "--resume", "--quiet", "--out", dir.resolve("fresh").toString());
        assertEquals(2, nothing.exitCode());
        assertTrue(nothing.err().contains("nothing to resume"), nothing.err());
    }
}
