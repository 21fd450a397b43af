package dev.promptlab.train;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

class MetricsTimeTest {
    @TempDir
    Path dir;

    @Test
    void trainingSecondsWeighEachRowByTheStepsItAverages() throws Exception {
        Path metrics = dir.resolve("metrics.jsonl");
        // rows every 10 steps, then a last row after 5 more (a run whose step count is not a multiple)
        Files.writeString(metrics, "{\"step\":10,\"loss\":1,\"seconds_per_step\":0.5}\n"
                + "{\"step\":20,\"loss\":1,\"seconds_per_step\":0.25}\n\n"
                + "{\"step\":25,\"loss\":1,\"seconds_per_step\":0.2}\n");
        assertEquals(10 * 0.5 + 10 * 0.25 + 5 * 0.2, MetricsTime.upTo(metrics, Integer.MAX_VALUE), 1e-12);
        assertEquals(10 * 0.5 + 10 * 0.25, MetricsTime.upTo(metrics, 20), 1e-12, "steps past the given one are left out");
    }
}
