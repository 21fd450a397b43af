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
 * tensors, by the adapter's own names: a prompt encoder's or projection's weights, LoRA's
 * matrices, every model weight for full tuning), {@code optimizer.safetensors} (AdamW moments)
 * and {@code state.json} (step, data position, the objective's random stream, e.g. LoRA dropout). The directory is staged beside its final place and renamed over it, so a crash
 * leaves the previous checkpoint intact.
 */
public final class Checkpoint {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Checkpoint() {}

    /**
     * A loaded checkpoint; its arrays live in the manager given to {@link #load}.
     *
     * @param losses the loss of the last step taken, then each prompt's (empty in a checkpoint
     *     from before they were kept), so a run resumed at its last step reports what it reported
     */
    public record State(int step, Map<String, NDArray> parameters, Map<String, NDArray> optimizer, long[] dataState,
            long[] randomState, double[] losses) {}

    public static void save(Trainer trainer, Path dir) throws IOException {
        double[] prompts = trainer.lastPromptLosses();
        double[] losses = new double[prompts.length + 1];
        losses[0] = trainer.lastLoss();
        System.arraycopy(prompts, 0, losses, 1, prompts.length);
        save(dir, trainer.step(), trainer.config().steps(), trainer.parameters(), trainer.optimizer().state(),
                trainer.data().state(), trainer.objective().randomState(), losses);
    }

    /**
     * Writes a checkpoint from its parts, e.g. one prompt's share of a multi-prompt run, which
     * then resumes as a run of its own: its parameters by their own names, their AdamW moments
     * ("m.NAME", "v.NAME"), its data position and random stream.
     */
    public static void save(Path dir, int step, int totalSteps, Map<String, NDArray> parameters,
            Map<String, NDArray> optimizer, long[] dataState, long[] randomState, double[] losses) throws IOException {
        AtomicFiles.writeDirectory(dir, staging -> {
            Safetensors.write(staging.resolve("parameters.safetensors"), parameters, Map.of());
            Safetensors.write(staging.resolve("optimizer.safetensors"), optimizer, Map.of());
            ObjectNode state = JSON.createObjectNode();
            state.put("step", step);
            state.put("total_steps", totalSteps);
            var data = state.putArray("data_state");
            for (long v : dataState) {
                data.add(v);
            }
            var random = state.putArray("random_state");
            for (long v : randomState) {
                random.add(v);
            }
            var lossArray = state.putArray("losses");
            for (double v : losses) {
                lossArray.add(v);
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
        return new State(state.path("step").asInt(),
                Safetensors.read(dir.resolve("parameters.safetensors"), manager),
                Safetensors.read(dir.resolve("optimizer.safetensors"), manager), longs(state.path("data_state")),
                longs(state.path("random_state")), doubles(state.path("losses")));
    }

    private static double[] doubles(JsonNode array) {
        double[] out = new double[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asDouble();
        }
        return out;
    }

    /** A JSON array of integers; a missing field (a checkpoint from before it existed) is empty. */
    private static long[] longs(JsonNode array) {
        long[] out = new long[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asLong();
        }
        return out;
    }
}
