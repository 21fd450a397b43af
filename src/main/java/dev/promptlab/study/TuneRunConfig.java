package dev.promptlab.study;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
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

    /**
     * The config a resumed run writes: {@code now}, checked against the run's config.json. A
     * resumed run must be the same experiment; the step budget, checkpoint interval, warmup,
     * weight decay and clip may change, and the learning rate may be lowered (the remedy for a divergence): the schedule then
     * continues with the new peak from {@code step}, and {@code train_config.lr_history} keeps
     * each earlier rate with the step it was used until. Raising it is refused: that is a new
     * experiment. Without a config.json (a run killed before writing it) {@code now} is returned.
     */
    static ObjectNode resumed(Path dir, ObjectNode now, int step) throws IOException {
        Path file = dir.resolve("config.json");
        if (!Files.exists(file)) {
            return now;
        }
        JsonNode before;
        try {
            before = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": not valid JSON; cannot check"
                    + " that --resume continues the same run");
        }
        if (!"tune".equals(before.path("command").asText())) {
            throw new IllegalArgumentException("--resume: " + file + " is not a tune run's config (its \"command\" is "
                    + before.path("command") + ")");
        }
        for (String field : List.of("template", "labels", "method", "method_config", "model_hidden_size",
                "model_vocab_size")) {
            if (!same(before.path(field), now.path(field))) {
                throw new IllegalArgumentException("--resume: " + field + " was " + before.path(field) + " in " + file
                        + " but is " + now.path(field) + " now; only --steps, --checkpoint-every, a lower --lr and"
                        + " --warmup, --weight-decay, --clip may change on resume");
            }
        }
        JsonNode was = before.path("train_config");
        ObjectNode train = (ObjectNode) now.get("train_config");
        for (String field : List.of("batch_size", "seed", "seeds")) {
            if (!same(was.path(field), train.path(field))) {
                throw new IllegalArgumentException("--resume: train_config." + field + " was " + was.path(field) + " in "
                        + file + " but is " + train.path(field) + " now; only --steps, --checkpoint-every, a lower"
                        + " --lr and --warmup, --weight-decay, --clip may change on resume");
            }
        }
        lowerRateOnly(was, train, file, step);
        return now;
    }

    /**
     * The learning-rate rule of a resumed run, for {@code train} (the new train_config) against
     * {@code was} (the run's): keeping or lowering it is allowed, raising it is refused; a lowered
     * rate appends the old one, with the step it was used until, to {@code lr_history}.
     */
    static void lowerRateOnly(JsonNode was, ObjectNode train, Path file, int step) {
        double lrBefore = was.path("lr").asDouble();
        double lrNow = train.path("lr").asDouble();
        if (lrNow > lrBefore) {
            throw new IllegalArgumentException("--resume: --lr " + lrNow + " is higher than the run's " + lrBefore + " ("
                    + file + "); a resumed run may keep or lower its learning rate, not raise it");
        }
        ArrayNode history = train.putArray("lr_history");
        if (was.has("lr_history")) {
            history.addAll((ArrayNode) was.get("lr_history"));
        }
        if (lrNow < lrBefore) {
            history.addObject().put("lr", lrBefore).put("until_step", step);
        }
        if (history.isEmpty()) {
            train.remove("lr_history");
        }
    }

    /** JSON values compared as written: a long read back from a file comes as an int node. */
    private static boolean same(JsonNode a, JsonNode b) {
        return a.toString().equals(b.toString());
    }
}
