package dev.promptlab.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptlab.adapt.Adapter;
import dev.promptlab.adapt.AdapterFile;
import dev.promptlab.adapt.Adapters;
import dev.promptlab.adapt.Lora;
import dev.promptlab.adapt.LoraConfig;
import dev.promptlab.adapt.PTuning;
import dev.promptlab.adapt.PTuningConfig;
import dev.promptlab.adapt.PrefixConfig;
import dev.promptlab.adapt.PrefixTuning;
import dev.promptlab.adapt.SoftPrompt;
import dev.promptlab.adapt.SoftPromptConfig;
import dev.promptlab.adapt.WeightSubset;
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
import dev.promptlab.tokenize.Tokenizer;
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

/**
 * Trains an adapter on a frozen model (or, with {@code --method full}, the whole model); writes
 * config.json, metrics.jsonl, checkpoint/, adapter/ (PEFT layout; model/ for full) and result.json.
 */
@Command(name = "tune", mixinStandardHelpOptions = true,
        description = {"Train an adapter on a frozen model for a JSONL dataset or a built-in task.",
            "Methods: soft-prompt (prompt tuning), prefix (prefix tuning), p-tuning (prompt encoder), lora,"
                    + " full (every weight; writes RUN/model instead of RUN/adapter).",
            "Adapters are written in PEFT's layout (adapter_model.safetensors + adapter_config.json)."
                    + " The default --lr suits prompts; LoRA and full tuning want a smaller one (e.g. 1e-3, 1e-4)."})
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
    @Option(names = "--method", defaultValue = "soft-prompt",
            description = "soft-prompt, prefix, p-tuning, lora or full (default ${DEFAULT-VALUE})")
    String method;
    @Option(names = "--prompt-length", defaultValue = "10",
            description = "virtual tokens P of soft-prompt, prefix and p-tuning (default ${DEFAULT-VALUE})")
    int promptLength;
    @Option(names = "--init", defaultValue = "vocab", description = "soft-prompt: random, vocab or text (default ${DEFAULT-VALUE})")
    String init;
    @Option(names = "--init-text", description = "soft-prompt: text whose embeddings start the prompt (with --init text)")
    String initText;
    @Option(names = "--prefix-projection", description = "prefix: reparametrise the prefix by PEFT's MLP (Linear, Tanh, Linear)")
    boolean prefixProjection;
    @Option(names = "--encoder-type", description = "p-tuning: mlp or lstm (default mlp)")
    String encoderType;
    @Option(names = "--encoder-hidden-size",
            description = "p-tuning, and prefix with --prefix-projection: hidden size of the encoder (default: the model's)")
    Integer encoderHiddenSize;
    @Option(names = "--lora-rank", description = "lora: rank r (default 8)")
    Integer loraRank;
    @Option(names = "--lora-alpha", description = "lora: the addition is scaled by alpha / r (default 8)")
    Double loraAlpha;
    @Option(names = "--lora-dropout", description = "lora: dropout on the LoRA input while training (default 0)")
    Double loraDropout;
    @Option(names = "--target-modules", split = ",",
            description = "lora: modules to adapt, PEFT style (e.g. c_attn or q_proj,v_proj; default: the model's PEFT default)")
    List<String> targetModules;
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
        MethodConfig methodConfig = methodConfig();
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

        try (LoadedModel loaded = ModelRef.load(modelDir);
                Adapter adapter = methodConfig.create(loaded.model(), loaded.tokenizer(), new Rng(seed))) {
            LanguageModel model = loaded.model();
            Encoder encoder = new Encoder(loaded.tokenizer(), task.template());
            List<EncodedExample> encoded = encode(examples, encoder, !task.isClassification(), adapter.contextPositions(),
                    model.config().contextLength(), source.messagePath());
            ObjectNode runConfig = runConfig(task, model, source);
            if (resume) {
                checkSameRun(runConfig);
            }
            int pad = Math.max(0, loaded.tokenizer().padId());
            Files.createDirectories(out);
            AtomicFiles.writeString(out.resolve("config.json"), JSON.writeValueAsString(runConfig) + "\n");
            Trainer trainer = new Trainer(trainConfig, adapter.parameters(), new AdapterObjective(model, adapter),
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
            Path written;
            if (adapter instanceof WeightSubset) {
                written = out.resolve("model"); // full tuning: the tuned model itself, loadable as --model
                LoadedModel.save(model, loaded.tokenizer(), written);
            } else {
                written = out.resolve("adapter");
                AdapterFile.save(adapter, model, written, ModelRef.name(modelDir));
            }
            ObjectNode result = JSON.createObjectNode();
            result.put("method", method);
            result.put("steps", trainer.step());
            result.put("final_loss", trainer.lastLoss());
            result.put("trainable_parameters", adapter.trainableCount());
            if (task.isClassification()) {
                List<Example> sample = examples.subList(0, Math.min(examples.size(), 512));
                ClassificationResult train = new VerbalizerClassifier(model, adapter, encoder, task.labels(), 32)
                        .evaluate(sample);
                result.put("train_accuracy", train.accuracy());
                result.put("train_accuracy_n", train.n());
            }
            AtomicFiles.writeString(out.resolve("result.json"), JSON.writeValueAsString(result) + "\n");
            System.out.printf("wrote %s (final loss %.4f%s)%n", written, trainer.lastLoss(),
                    result.has("train_accuracy") ? String.format(", train accuracy %.3f", result.get("train_accuracy").asDouble()) : "");
        }
        return 0;
    }

    /** The method's settings, validated before anything is loaded; builds the adapter once the model is there. */
    private interface MethodConfig {
        Adapter create(LanguageModel model, Tokenizer tokenizer, Rng rng);
    }

    private MethodConfig methodConfig() {
        List<String> given = new ArrayList<>();
        if (prefixProjection) {
            given.add("--prefix-projection");
        }
        if (encoderType != null) {
            given.add("--encoder-type");
        }
        if (encoderHiddenSize != null) {
            given.add("--encoder-hidden-size");
        }
        if (loraRank != null || loraAlpha != null || loraDropout != null || targetModules != null) {
            given.add("--lora-rank/--lora-alpha/--lora-dropout/--target-modules");
        }
        if (initText != null) {
            given.add("--init-text");
        }
        List<String> allowed;
        MethodConfig made;
        switch (method) {
            case SoftPrompt.METHOD: {
                SoftPromptConfig c = new SoftPromptConfig(promptLength, SoftPromptConfig.Init.parse(init), initText);
                allowed = List.of("--init-text");
                made = (model, tokenizer, rng) -> SoftPrompt.create(c, model, tokenizer, rng);
                break;
            }
            case PrefixTuning.METHOD: {
                PrefixConfig c = new PrefixConfig(promptLength, prefixProjection,
                        encoderHiddenSize == null ? 0 : encoderHiddenSize);
                allowed = List.of("--prefix-projection", "--encoder-hidden-size");
                made = (model, tokenizer, rng) -> PrefixTuning.create(c, model, rng);
                break;
            }
            case PTuning.METHOD: {
                PTuningConfig c = new PTuningConfig(promptLength,
                        PTuningConfig.Encoder.parse(encoderType == null ? "mlp" : encoderType),
                        encoderHiddenSize == null ? 0 : encoderHiddenSize);
                allowed = List.of("--encoder-type", "--encoder-hidden-size");
                made = (model, tokenizer, rng) -> PTuning.create(c, model, rng);
                break;
            }
            case Lora.METHOD: {
                int rank = loraRank == null ? 8 : loraRank;
                double alpha = loraAlpha == null ? 8 : loraAlpha;
                double dropout = loraDropout == null ? 0 : loraDropout;
                // rank, alpha and dropout are checked now, before the model loads; the default targets need the model
                new LoraConfig(rank, alpha, dropout, targetModules == null ? List.of("any") : targetModules);
                allowed = List.of("--lora-rank/--lora-alpha/--lora-dropout/--target-modules");
                made = (model, tokenizer, rng) -> Lora.create(
                        new LoraConfig(rank, alpha, dropout, Lora.targetsOrDefault(targetModules, model)), model, rng);
                break;
            }
            case WeightSubset.FULL:
                allowed = List.of();
                made = (model, tokenizer, rng) -> WeightSubset.of(model, WeightSubset.Part.ALL);
                break;
            default:
                throw new IllegalArgumentException("unknown method '" + method + "' (available: "
                        + String.join(", ", Adapters.methods()) + ")");
        }
        for (String flag : given) {
            if (!allowed.contains(flag)) {
                throw new IllegalArgumentException(flag + " does not apply to --method " + method);
            }
        }
        return made;
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
        ObjectNode m = c.putObject("method_config");
        m.put("prefix_projection", prefixProjection);
        if (encoderType != null) {
            m.put("encoder_type", encoderType);
        }
        if (encoderHiddenSize != null) {
            m.put("encoder_hidden_size", encoderHiddenSize);
        }
        if (loraRank != null) {
            m.put("lora_rank", loraRank);
        }
        if (loraAlpha != null) {
            m.put("lora_alpha", loraAlpha);
        }
        if (loraDropout != null) {
            m.put("lora_dropout", loraDropout);
        }
        if (targetModules != null) {
            var t = m.putArray("target_modules");
            targetModules.forEach(t::add);
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
        for (String field : List.of("template", "labels", "method", "prompt_length", "init", "method_config",
                "model_hidden_size", "model_vocab_size")) {
            if (field.equals("method_config") && !before.has(field)) {
                continue; // a run from before per-method settings were recorded: its method had none
            }
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
