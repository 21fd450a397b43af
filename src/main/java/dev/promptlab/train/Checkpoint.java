package dev.promptlab.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptlab.tensor.AtomicFiles;
import dev.promptlab.tensor.Safetensors;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A resumable training state in a directory: {@code parameters.safetensors} (the trained
 * tensors), {@code optimizer.safetensors} (AdamW moments) and {@code state.json} (step, data
 * position). The directory is staged beside its final place and renamed over it, so a crash
 * leaves the previous checkpoint intact.
 */
public final class Checkpoint {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Checkpoint() {}

    /** A loaded checkpoint; its arrays live in the manager given to {@link #load}. */
    public record State(int step, Map<String, NDArray> parameters, Map<String, NDArray> optimizer, long[] dataState) {}

    public static void save(Trainer trainer, Path dir) throws IOException {
        AtomicFiles.writeDirectory(dir, staging -> {
            Safetensors.write(staging.resolve("parameters.safetensors"), trainer.parameters(), Map.of());
            Safetensors.write(staging.resolve("optimizer.safetensors"), trainer.optimizer().state(), Map.of());
            ObjectNode state = JSON.createObjectNode();
            state.put("step", trainer.step());
            state.put("total_steps", trainer.config().steps());
            var data = state.putArray("data_state");
            for (long v : trainer.data().state()) {
                data.add(v);
            }
            AtomicFiles.writeString(staging.resolve("state.json"), JSON.writeValueAsString(state) + "\n");
        });
    }

    public static boolean exists(Path dir) {
        return Files.isRegularFile(dir.resolve("state.json"));
    }

    public static State load(Path dir, NDManager manager) throws IOException {
        Path stateFile = dir.resolve("state.json");
        if (!Files.isRegularFile(stateFile)) {
            throw new IOException(dir + ": no checkpoint (state.json missing)");
        }
        JsonNode state = JSON.readTree(stateFile.toFile());
        long[] data = new long[state.path("data_state").size()];
        for (int i = 0; i < data.length; i++) {
            data[i] = state.path("data_state").get(i).asLong();
        }
        return new State(state.path("step").asInt(),
                Safetensors.read(dir.resolve("parameters.safetensors"), manager),
                Safetensors.read(dir.resolve("optimizer.safetensors"), manager), data);
    }
}
