package dev.promptlab.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code tokenize}, {@code score} and {@code generate} through the command line. */
class CliTextCommandsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path shared;
    static Path model;

    @BeforeAll
    static void tinyModel() throws IOException {
        model = SyntheticText.initTinyModel(shared, 32);
    }

    @Test
    void tokenizeAndScoreAgreeOnIdsAndScoreGivesLogProbabilities() throws IOException {
        CliRunner.Result tok = CliRunner.run("tokenize", "--model", model.toString(), "--text", "the cat runs");
        assertEquals(0, tok.exitCode(), tok.toString());
        JsonNode ids = JSON.readTree(tok.out());
        assertTrue(ids.isArray() && ids.size() >= 3, tok.out());

        Path out = shared.resolve("score.json");
        CliRunner.Result score = CliRunner.run("score", "--model", model.toString(), "--text", "the cat runs", "--json",
                out.toString());
        assertEquals(0, score.exitCode(), score.toString());
        JsonNode s = JSON.readTree(Files.readString(out));
        assertEquals(ids, s.get("ids"));
        JsonNode lp = s.get("logprobs");
        assertEquals(ids.size(), lp.size());
        assertTrue(lp.get(0).isNull(), "nothing precedes the first token");
        for (int i = 1; i < lp.size(); i++) {
            double v = lp.get(i).asDouble();
            assertTrue(v < 0 && v > -20, "log-probability " + v + " at " + i);
        }
    }

    @Test
    void generateWritesEachDecodingModeAndRefusesBadCombinations() throws IOException {
        Path out = shared.resolve("gen.json");
        CliRunner.Result beam = CliRunner.run("generate", "--model", model.toString(), "--text", "the cat", "--beam", "3",
                "--max-tokens", "4", "--json", out.toString());
        assertEquals(0, beam.exitCode(), beam.toString());
        JsonNode g = JSON.readTree(Files.readString(out)).get("generations").get(0);
        assertTrue(g.get("ids").size() <= 4, g.toString());
        assertTrue(g.get("logprob").asDouble() <= 0, g.toString());

        CliRunner.Result sample = CliRunner.run("generate", "--model", model.toString(), "--text", "the cat",
                "--temperature", "0.8", "--top-p", "0.9", "--seed", "3", "--max-tokens", "5");
        assertEquals(0, sample.exitCode(), sample.toString());

        CliRunner.Result bad = CliRunner.run("generate", "--model", model.toString(), "--text", "the cat", "--beam", "2",
                "--temperature", "0.5");
        assertEquals(2, bad.exitCode(), bad.toString());
        assertTrue(bad.err().contains("cannot be combined with sampling"), bad.err());
    }

    @Test
    void benchMeasuresACheckpoint() throws IOException {
        Path out = shared.resolve("bench.json");
        CliRunner.Result r = CliRunner.run("bench", "--model", model.toString(), "--runs", "2", "--score-tokens", "20",
                "--new-tokens", "5", "--json", out.toString());
        assertEquals(0, r.exitCode(), r.toString());
        JsonNode c = JSON.readTree(Files.readString(out)).get("checkpoint");
        assertEquals(2, c.get("load_seconds_samples").size());
        assertTrue(c.get("load_seconds_median").asDouble() > 0, c.toString());
        assertTrue(c.get("parameters").asLong() > 1000, c.toString());
        assertTrue(c.get("score_tokens_per_second_median").asDouble() > 0, c.toString());
        assertTrue(c.get("generate_tokens_per_second_median").asDouble() > 0, c.toString());
        assertTrue(c.get("peak_rss_bytes").asLong() > 0, c.toString());
    }
}
