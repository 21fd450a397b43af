package dev.promptlab.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The training time a run's {@code metrics.jsonl} records (each line: the step it ends and the
 * mean seconds per step since the line before, as {@link MetricsWriter} writes it): a resumed model
 * card times the whole training with it, and {@code bench} splits a run into training and the rest.
 */
public final class MetricsTime {
    private static final ObjectMapper JSON = new ObjectMapper();

    private MetricsTime() {}

    /** Seconds of the steps up to {@code step}; 0 when there is no file. */
    public static double upTo(Path metrics, int step) throws IOException {
        if (!Files.isRegularFile(metrics)) {
            return 0;
        }
        double seconds = 0;
        int previous = 0;
        for (String line : Files.readAllLines(metrics, StandardCharsets.UTF_8)) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode row = JSON.readTree(line);
            int at = row.path("step").asInt();
            if (at > step) {
                break; // a killed session went past its last checkpoint: those steps are trained again
            }
            seconds += row.path("seconds_per_step").asDouble() * (at - previous);
            previous = at;
        }
        return seconds;
    }
}
