package dev.promptlab.study;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptlab.model.LanguageModel;
import dev.promptlab.task.Task;
import dev.promptlab.task.TaskSource;
import dev.promptlab.tensor.AtomicFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A tune run's {@code config.json}: the resolved settings, written first, so that eval and
 * generate reuse the run's template and labels and {@code --resume} can refuse a different
 * experiment. A multi-seed run writes one with all seeds in its directory and one per seed
 * (exactly a single run's) in each seed's directory.
 */
final class TuneRunConfig {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private TuneRunConfig() {}

    /** The settings; {@code seed} null for the top of a multi-seed run (then {@code seeds} lists them). */
    static ObjectNode of(TuneSpec spec, TaskSource.Loaded data, LanguageModel model, Long seed) {
        Task task = data.task();
        ObjectNode c = JSON.createObjectNode();
        c.put("command", "tune");
        c.put("model", ModelSource.name(spec.model()));
        c.put("train", data.label());
        c.put("template", task.template().pattern());
        c.put("task_type", task.isClassification() ? "classification" : "generation");
        task.labels().forEach(c.putArray("labels")::add);
        c.put("method", spec.method().method());
        spec.method().writeJson(c.putObject("method_config"));
        ObjectNode t = c.putObject("train_config");
        t.put("steps", spec.train().steps());
        t.put("batch_size", spec.train().batchSize());
        t.put("lr", spec.train().learningRate());
        t.put("warmup", spec.train().warmupSteps());
        t.put("weight_decay", spec.train().weightDecay());
        t.put("clip", spec.train().gradClip());
        if (seed != null) {
            t.put("seed", seed);
        } else {
            spec.seeds().forEach(t.putArray("seeds")::add);
        }
        t.put("checkpoint_every", spec.train().checkpointEvery());
        c.put("model_hidden_size", model.hiddenSize());
        c.put("model_vocab_size", model.vocabSize());
        return c;
    }

    static void write(Path dir, ObjectNode config) throws IOException {
        Files.createDirectories(dir);
        AtomicFiles.writeString(dir.resolve("config.json"), JSON.writeValueAsString(config) + "\n");
    }

    /** A resumed run must be the same experiment; only the step budget (and checkpoint interval) may change. */
    static void requireSameRun(Path dir, ObjectNode now) throws IOException {
        Path file = dir.resolve("config.json");
        if (!Files.exists(file)) {
            return;
        }
        JsonNode before = JSON.readTree(file.toFile());
        for (String field : List.of("template", "labels", "method", "method_config", "model_hidden_size",
                "model_vocab_size")) {
            if (!same(before.path(field), now.path(field))) {
                throw new IllegalArgumentException("--resume: " + field + " was " + before.path(field) + " in " + file
                        + " but is " + now.path(field) + " now");
            }
        }
        for (String field : List.of("batch_size", "lr", "seed", "seeds")) {
            if (!same(before.path("train_config").path(field), now.path("train_config").path(field))) {
                throw new IllegalArgumentException("--resume: train_config." + field + " was "
                        + before.path("train_config").path(field) + " in " + file + " but is "
                        + now.path("train_config").path(field) + " now");
            }
        }
    }

    /** JSON values compared as written: a long read back from a file comes as an int node. */
    private static boolean same(JsonNode a, JsonNode b) {
        return a.toString().equals(b.toString());
    }
}
