package dev.promptlab.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code bench --soak} runs end to end, cheaply (a tiny model, few steps): both phases run their
 * counts and report resident-memory samples and growth figures. The figures themselves are a
 * benchmark's, never asserted here.
 */
class BenchSoakTest {
    @TempDir
    Path dir;

    @Test
    void soakRunsBothPhasesAndReportsMemory() throws Exception {
        Path model = SyntheticText.initTinyModel(dir, 32);
        Path json = dir.resolve("soak.json");
        CliRunner.Result r = CliRunner.run("bench", "--soak", "--soak-model", model.toString(), "--soak-steps", "40",
                "--soak-calls", "20", "--json", json.toString());
        assertEquals(0, r.exitCode(), r.toString());
        JsonNode soak = new ObjectMapper().readTree(json.toFile()).get("soak");
        assertEquals(40, soak.get("train").get("steps").asInt());
        assertEquals(20, soak.get("decode").get("calls").asInt());
        long trainSamples = 0;
        long decodeSamples = 0;
        for (JsonNode s : soak.get("samples")) {
            assertTrue(s.get("rss_bytes").asLong() > 0, "resident memory is read on Linux: " + s);
            assertTrue(s.get("java_heap_committed_bytes").asLong() > 0, "the committed heap is sampled too: " + s);
            trainSamples += s.get("phase").asText().equals("train") ? 1 : 0;
            decodeSamples += s.get("phase").asText().equals("decode") ? 1 : 0;
        }
        assertEquals(20, trainSamples, "one sample every 2 of 40 steps");
        assertEquals(20, decodeSamples, "one sample per call");
        for (String phase : new String[] {"train", "decode"}) {
            assertTrue(Double.isFinite(soak.get(phase).get("growth").asDouble()), soak.toString());
            assertTrue(Double.isFinite(soak.get(phase).get("outside_heap_growth").asDouble()), soak.toString());
            assertTrue(soak.get(phase).get("rss_peak_bytes").asLong() >= soak.get(phase).get("rss_end_bytes").asLong());
        }
        assertTrue(r.out().contains("train (40): resident"), r.out());
    }
}
