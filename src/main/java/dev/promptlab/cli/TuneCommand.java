package dev.promptlab.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptlab.adapt.Adapter;
import dev.promptlab.adapt.AdapterFile;
import dev.promptlab.adapt.Adapters;
import dev.promptlab.adapt.SoftPrompt;
import dev.promptlab.adapt.SoftPromptConfig;
import dev.promptlab.eval.ClassificationResult;
import dev.promptlab.eval.VerbalizerClassifier;
import dev.promptlab.model.LanguageModel;
import dev.promptlab.model.LoadedModel;
import dev.promptlab.task.EncodedExample;
import dev.promptlab.task.Encoder;
import dev.promptlab.task.Example;
import dev.promptlab.task.Task;
import dev.promptlab.task.builtin.wordnet.Split;
import dev.promptlab.tensor.AtomicFiles;
import dev.promptlab.tensor.Rng;
import dev.promptlab.train.AdapterObjective;
import dev.promptlab.train.Checkpoint;
import dev.promptlab.train.Checkpointer;
import dev.promptlab.train.ExampleSampler;
import dev.promptlab.train.MetricsWriter;
import dev.promptlab.train.ProgressListener;
import dev.promptlab.train.TrainConfig;
import dev.promptlab.train.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** Trains an adapter on a frozen model; writes config.json, metrics.jsonl, checkpoint/, adapter/ and result.json. */
@Command(name = "tune", mixinStandardHelpOptions = true,
        description = "Train an adapter (soft prompt) on a frozen model for a JSONL dataset.")
final class TuneCommand implements Callable<Integer> {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Option(names = "--model", required = true, description = "model directory, or builtin:tiny|small|base")
    Path modelDir;
    @Option(names = "--train", description = "JSONL file of {\"input\": ..., \"output\": ...}")
    Path trainFile;
    @Option(names = "--task", description = "built-in task builtin:NAME[:SPLIT] instead of --train (default split: train)")
    String taskRef;
    @Mixin
    TaskOptions taskOptions;
    @Option(names = "--method", defaultValue = "soft-prompt", description = "adapter method (default ${DEFAULT-VALUE})")
    String method;
    @Option(names = "--prompt-length", defaultValue = "10", description = "virtual tokens P (default ${DEFAULT-VALUE})")
    int promptLength;
    @Option(names = "--init", defaultValue = "vocab", description = "random, vocab or text (default ${DEFAULT-VALUE})")
    String init;
    @Option(names = "--init-text", description = "text whose embeddings start the prompt (with --init text)")
    String initText;
    @Option(names = "--steps", required = true, description = "optimizer steps")
    int steps;
    @Option(names = "--batch-size", defaultValue = "8", description = "examples per step (default ${DEFAULT-VALUE})")
    int batchSize;
    @Option(names = "--lr", defaultValue = "0.03", description = "peak learning rate (default ${DEFAULT-VALUE})")
    double lr;
    @Option(names = "--warmup", defaultValue = "0", description = "warmup steps (default ${DEFAULT-VALUE})")
    int warmup;
    @Option(names = "--weight-decay", defaultValue = "0", description = "AdamW weight decay (default ${DEFAULT-VALUE})")
    double weightDecay;
    @Option(names = "--clip", defaultValue = "1.0", description = "gradient-norm clip, 0 = off (default ${DEFAULT-VALUE})")
    double clip;
    @Option(names = "--seed", defaultValue = "0", description = "seed for init and data order (default ${DEFAULT-VALUE})")
    long seed;
    @Option(names = "--checkpoint-every", defaultValue = "100", description = "steps between checkpoints, 0 = end only (default ${DEFAULT-VALUE})")
    int checkpointEvery;
    @Option(names = "--resume", description = "continue the run in --out from its checkpoint")
    boolean resume;
    @Option(names = "--quiet", description = "no progress bar")
    boolean quiet;
    @Option(names = "--out", required = true, description = "run directory")
    Path out;

    @Override
    public Integer call() throws Exception {
        // Everything the user gave is checked before the run directory is touched.
        if (!Adapters.methods().contains(method)) {
            throw new IllegalArgumentException("unknown method '" + method + "' (available: "
                    + String.join(", ", Adapters.methods()) + ")");
        }
        SoftPromptConfig promptConfig = new SoftPromptConfig(promptLength, SoftPromptConfig.Init.parse(init), initText);
        TrainConfig trainConfig = new TrainConfig(steps, batchSize, lr, warmup, weightDecay, clip, seed, 10, checkpointEvery);
        if (resume) {
            if (!Checkpoint.exists(out.resolve("checkpoint"))) {
                throw new IllegalArgumentException(out + ": nothing to resume (no checkpoint/state.json)");
            }
        } else {
            RunDirectory.requireFresh(out);
        }
        TaskSource source = TaskSource.resolve(taskRef, trainFile, "--train", Split.TRAIN, taskOptions);
        List<Example> examples = source.examples();
        Task task = source.builtin() != null ? source.builtin()
                : taskOptions.task(trainFile.getFileName().toString(), examples, null);

        try (LoadedModel loaded = ModelRef.load(modelDir)) {
            LanguageModel model = loaded.model();
            Encoder encoder = new Encoder(loaded.tokenizer(), task.template());
            List<EncodedExample> encoded = encode(examples, encoder, !task.isClassification(), promptLength,
                    model.config().contextLength(), source.messagePath());
            ObjectNode runConfig = runConfig(task, model, source);
            if (resume) {
                checkSameRun(runConfig);
            }
            int pad = Math.max(0, loaded.tokenizer().padId());
            try (SoftPrompt prompt = SoftPrompt.create(promptConfig, model, loaded.tokenizer(), new Rng(seed))) {
                Files.createDirectories(out);
                AtomicFiles.writeString(out.resolve("config.json"), JSON.writeValueAsString(runConfig) + "\n");
                Trainer trainer = new Trainer(trainConfig, prompt.parameters(), new AdapterObjective(model, prompt),
                        new ExampleSampler(encoded, batchSize, pad, seed + 1), model.manager());
                if (resume) {
                    try (var scope = model.manager().newSubManager()) {
                        trainer.restore(Checkpoint.load(out.resolve("checkpoint"), scope));
                    }
                    System.err.printf("resuming at step %d of %d%n", trainer.step(), steps);
                }
                trainer.addListener(new MetricsWriter(out.resolve("metrics.jsonl"), trainConfig.logEvery()));
                trainer.addListener(new Checkpointer(out.resolve("checkpoint"), checkpointEvery));
                if (!quiet) {
                    trainer.addListener(new ProgressListener("tune"));
                }
                try {
                    trainer.run();
                } catch (RuntimeException e) {
                    if (!resume && !Checkpoint.exists(out.resolve("checkpoint"))) {
                        AtomicFiles.deleteTree(out); // nothing resumable yet: leave no half-written run behind
                    }
                    throw e;
                }
                AdapterFile.save(prompt, model, out.resolve("adapter"), ModelRef.name(modelDir));
                ObjectNode result = JSON.createObjectNode();
                result.put("method", method);
                result.put("steps", trainer.step());
                result.put("final_loss", trainer.lastLoss());
                result.put("trainable_parameters", prompt.trainableCount());
                if (task.isClassification()) {
                    List<Example> sample = examples.subList(0, Math.min(examples.size(), 512));
                    ClassificationResult train = new VerbalizerClassifier(model, prompt, encoder, task.labels(), 32)
                            .evaluate(sample);
                    result.put("train_accuracy", train.accuracy());
                    result.put("train_accuracy_n", train.n());
                }
                AtomicFiles.writeString(out.resolve("result.json"), JSON.writeValueAsString(result) + "\n");
                System.out.printf("wrote %s (final loss %.4f%s)%n", out.resolve("adapter"), trainer.lastLoss(),
                        result.has("train_accuracy") ? String.format(", train accuracy %.3f", result.get("train_accuracy").asDouble()) : "");
            }
        }
        return 0;
    }

    /** Encodes and checks that every example fits the model's context together with the prompt. */
    static List<EncodedExample> encode(List<Example> examples, Encoder encoder, boolean appendEos, int virtual,
            int contextLength, Path file) {
        List<EncodedExample> out = new ArrayList<>(examples.size());
        for (int i = 0; i < examples.size(); i++) {
            EncodedExample e;
            try {
                e = encoder.encode(examples.get(i), appendEos);
            } catch (RuntimeException ex) {
                throw new IllegalArgumentException(file + ": example " + (i + 1) + ": " + ex.getMessage());
            }
            int positions = virtual + e.length() - 1;
            if (positions > contextLength) {
                throw new IllegalArgumentException(file + ": example " + (i + 1) + " needs " + positions
                        + " positions (prompt " + virtual + " + input and output " + e.length()
                        + " tokens - 1) but the model's context is " + contextLength + " tokens");
            }
            out.add(e);
        }
        return out;
    }

    private ObjectNode runConfig(Task task, LanguageModel model, TaskSource source) {
        ObjectNode c = JSON.createObjectNode();
        c.put("command", "tune");
        c.put("model", ModelRef.name(modelDir));
        c.put("train", source.label());
        c.put("template", task.template().pattern());
        c.put("task_type", task.isClassification() ? "classification" : "generation");
        var labels = c.putArray("labels");
        task.labels().forEach(labels::add);
        c.put("method", method);
        c.put("prompt_length", promptLength);
        c.put("init", init);
        if (initText != null) {
            c.put("init_text", initText);
        }
        ObjectNode t = c.putObject("train_config");
        t.put("steps", steps);
        t.put("batch_size", batchSize);
        t.put("lr", lr);
        t.put("warmup", warmup);
        t.put("weight_decay", weightDecay);
        t.put("clip", clip);
        t.put("seed", seed);
        t.put("checkpoint_every", checkpointEvery);
        c.put("model_hidden_size", model.hiddenSize());
        c.put("model_vocab_size", model.vocabSize());
        return c;
    }

    /** A resumed run must be the same experiment; only the step budget may grow. */
    private void checkSameRun(ObjectNode now) throws java.io.IOException {
        Path file = out.resolve("config.json");
        if (!Files.exists(file)) {
            return;
        }
        JsonNode before = JSON.readTree(file.toFile());
        for (String field : List.of("template", "labels", "method", "prompt_length", "init", "model_hidden_size",
                "model_vocab_size")) {
            if (!same(before.path(field), now.path(field))) {
                throw new IllegalArgumentException("--resume: " + field + " was " + before.path(field) + " in " + file
                        + " but is " + now.path(field) + " now");
            }
        }
        for (String field : List.of("batch_size", "lr", "seed")) {
            if (!same(before.path("train_config").path(field), now.path("train_config").path(field))) {
                throw new IllegalArgumentException("--resume: train_config." + field + " was "
                        + before.path("train_config").path(field) + " but is " + now.path("train_config").path(field));
            }
        }
    }

    /** JSON values compared as written: a long read back from a file comes as an int node. */
    private static boolean same(JsonNode a, JsonNode b) {
        return a.toString().equals(b.toString());
    }
}
