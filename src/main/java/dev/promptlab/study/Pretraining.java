package dev.promptlab.study;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptlab.model.LanguageModel;
import dev.promptlab.model.LoadedModel;
import dev.promptlab.study.builtin.BuiltinPretraining;
import dev.promptlab.study.builtin.ModelFigures;
import dev.promptlab.task.Corpus;
import dev.promptlab.tensor.AtomicFiles;
import dev.promptlab.tokenize.Tokenizer;
import dev.promptlab.train.AdapterObjective;
import dev.promptlab.train.Checkpoint;
import dev.promptlab.train.Checkpointer;
import dev.promptlab.train.CorpusWindows;
import dev.promptlab.train.MetricsWriter;
import dev.promptlab.train.ProgressListener;
import dev.promptlab.train.TrainConfig;
import dev.promptlab.train.Trainer;
import dev.promptlab.train.TrainingDivergedException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The library entry point of {@code promptlab pretrain}: trains every weight of a model on a text
 * corpus (next-token loss on random windows), holding out the last 5 % of the lines to report
 * held-out perplexity, and writes the trained model (config.json, model.safetensors, tokenizer)
 * into the run directory, then {@code pretrain.json}, the mark of a complete run.
 *
 * <p>The run directory follows {@link Tuning}'s contract: {@code RUN/.lock} held for the run's
 * life, {@code pretrain_config.json} written first, {@code RUN/checkpoint/} (every weight, AdamW
 * moments, step, data position) every {@code checkpointEvery} steps, and {@code resume} continues
 * from it exactly (from the start when the run was killed before its first checkpoint; a lower
 * learning rate is allowed). The checkpoint is deleted once the model is complete: it holds three
 * times the model's size, and the model is the result. A complete run resumed again does nothing.
 */
public final class Pretraining {
    /** The marker of a complete run: its figures. */
    public static final String RESULT = "pretrain.json";
    /** The resolved settings, checked on resume. */
    public static final String CONFIG = "pretrain_config.json";

    private Pretraining() {}

    /**
     * A pretraining run, validated.
     *
     * @param model the model directory to start from (or {@code builtin:NAME})
     * @param corpus UTF-8 text, one document or sentence per line
     * @param seqLength tokens per window, 0 = the model's context
     * @param warmup warmup steps, -1 = 5 % of the steps
     * @param checkpointEvery steps between checkpoints, 0 = none (the run then cannot resume midway)
     */
    public record Spec(String model, Path corpus, int steps, int batchSize, int seqLength, double learningRate,
            int warmup, double weightDecay, long seed, int checkpointEvery, Path out, boolean resume,
            boolean progress) {
        public Spec {
            Objects.requireNonNull(model, "model");
            Objects.requireNonNull(corpus, "corpus");
            Objects.requireNonNull(out, "out");
            if (seqLength < 0) {
                throw new IllegalArgumentException("--seq-len must be >= 0 (0 = the model's context), got " + seqLength);
            }
            if (warmup < -1) {
                throw new IllegalArgumentException("--warmup must be >= 0 (or -1 for 5% of the steps), got " + warmup);
            }
            train(steps, batchSize, learningRate, warmup, weightDecay, seed, checkpointEvery); // validates the rest
        }

        TrainConfig train() {
            return train(steps, batchSize, learningRate, warmup, weightDecay, seed, checkpointEvery);
        }

        private static TrainConfig train(int steps, int batchSize, double lr, int warmup, double weightDecay, long seed,
                int checkpointEvery) {
            return new TrainConfig(steps, batchSize, lr, warmup >= 0 ? warmup : steps / 20, weightDecay, 1.0, seed, 10,
                    checkpointEvery);
        }
    }

    /** What a run reports: its figures ({@code pretrain.json}'s content). */
    public record Result(Path out, ObjectNode figures) {
        public double finalLoss() {
            return figures.path("final_loss").asDouble();
        }

        /** Held-out loss, NaN when the corpus was too small to hold lines out. */
        public double heldOutLoss() {
            return figures.path("heldout_loss").asDouble(Double.NaN);
        }
    }

    /** Runs the spec; {@code log} hears notable events (resuming, already complete). */
    public static Result run(Spec spec, Consumer<String> log) throws IOException {
        RunDirectory.require(spec.out(), spec.resume(), false, CONFIG, "pretrain");
        List<String> lines = Corpus.lines(spec.corpus());
        try (RunLock lock = RunLock.acquire(spec.out())) {
            RunDirectory.require(spec.out(), spec.resume(), true, CONFIG, "pretrain"); // again, now no other run can
            Path result = spec.out().resolve(RESULT);
            if (spec.resume() && Files.isRegularFile(result)) {
                AtomicFiles.recoverLeftovers(spec.out());
                AtomicFiles.deleteTree(spec.out().resolve("checkpoint")); // a kill may have left it
                log.accept(spec.out() + " is complete (" + result + ")");
                return new Result(spec.out(), (ObjectNode) TuneRunConfig.JSON.readTree(result.toFile()));
            }
            if (spec.resume()) {
                AtomicFiles.recoverLeftovers(spec.out()); // a checkpoint half-replaced by a kill, temporary files
            }
            try {
                return train(spec, lines, log);
            } catch (RuntimeException | IOException e) {
                boolean resumable = Checkpoint.exists(spec.out().resolve("checkpoint"));
                if (!spec.resume() && !resumable) {
                    RunDirectory.deleteContents(spec.out()); // never leave a half-trained model that looks complete
                }
                if (e instanceof TrainingDivergedException d) {
                    throw new TrainingDivergedException(d, d.getMessage().replaceFirst("\\. Lower the learning rate.*", "")
                            + (resumable ? "; the last checkpoint (" + spec.out().resolve("checkpoint") + ") is intact:"
                                    + " continue from it with a lower learning rate, e.g. add --resume --lr "
                                    : "; nothing was kept: start again with a lower learning rate, e.g. --lr ")
                            + TrainingDivergedException.suggestedRate(d.learningRate()));
                }
                throw e;
            }
        }
    }

    private static Result train(Spec spec, List<String> lines, Consumer<String> log) throws IOException {
        Path out = spec.out();
        Path checkpoint = out.resolve("checkpoint");
        try (LoadedModel loaded = ModelSource.load(spec.model())) {
            LanguageModel model = loaded.model();
            Tokenizer tokenizer = loaded.tokenizer();
            int heldOut = lines.size() >= 20 ? Math.max(1, lines.size() / 20) : 0;
            int[] train = BuiltinPretraining.tokenStream(lines.subList(0, lines.size() - heldOut), tokenizer);
            int[] valid = heldOut > 0 ? BuiltinPretraining.tokenStream(lines.subList(lines.size() - heldOut, lines.size()), tokenizer) : null;
            int length = spec.seqLength() > 0 ? Math.min(spec.seqLength(), model.config().contextLength())
                    : model.config().contextLength();
            TrainConfig config = spec.train();
            boolean resume = spec.resume() && Checkpoint.exists(checkpoint);
            writeConfig(spec, config, resume ? stepOf(checkpoint) : 0);
            Trainer trainer = new Trainer(config, model.parameters(), new AdapterObjective(model, null)::loss,
                    new CorpusWindows(train, config.batchSize(), length, config.seed()), model.manager());
            if (resume) {
                try (NDManager scope = model.manager().newSubManager()) {
                    trainer.restore(Checkpoint.load(checkpoint, scope));
                }
                log.accept("resuming at step " + trainer.step() + " of " + config.steps());
            }
            trainer.addListener(new MetricsWriter(out.resolve("metrics.jsonl"), config.logEvery()));
            if (config.checkpointEvery() > 0) {
                trainer.addListener(new Checkpointer(checkpoint, config.checkpointEvery()));
            }
            if (spec.progress()) {
                trainer.addListener(new ProgressListener("pretrain"));
            }
            trainer.run();
            for (NDArray p : model.parameters().values()) {
                p.setRequiresGradient(false);
            }
            ObjectNode figures = TuneRunConfig.JSON.createObjectNode();
            figures.put("steps", config.steps());
            figures.put("train_tokens", train.length);
            figures.put("final_loss", trainer.lastLoss());
            if (valid != null) {
                double loss = ModelFigures.heldOutLoss(model, valid, length);
                figures.put("heldout_tokens", valid.length);
                figures.put("heldout_loss", loss);
                figures.put("heldout_perplexity", Math.exp(loss));
            }
            LoadedModel.save(model, tokenizer, out);
            AtomicFiles.writeString(out.resolve(RESULT), TuneRunConfig.JSON.writeValueAsString(figures) + "\n");
            AtomicFiles.deleteTree(checkpoint); // the model is the result now; its optimizer state is twice its size
            return new Result(out, figures);
        }
    }

    /** pretrain_config.json, checked against the run's on resume: only steps, the interval and a lower rate may change. */
    private static void writeConfig(Spec spec, TrainConfig config, int step) throws IOException {
        ObjectNode c = TuneRunConfig.JSON.createObjectNode();
        c.put("command", "pretrain");
        c.put("model", ModelSource.name(spec.model()));
        c.put("corpus", spec.corpus().toAbsolutePath().toString());
        c.put("seq_len", spec.seqLength());
        ObjectNode t = c.putObject("train_config");
        t.put("steps", config.steps());
        t.put("batch_size", config.batchSize());
        t.put("lr", config.learningRate());
        t.put("warmup", config.warmupSteps());
        t.put("weight_decay", config.weightDecay());
        t.put("seed", config.seed());
        t.put("checkpoint_every", config.checkpointEvery());
        Path file = spec.out().resolve(CONFIG);
        if (spec.resume() && Files.isRegularFile(file)) {
            JsonNode before = TuneRunConfig.JSON.readTree(file.toFile());
            for (String field : List.of("model", "corpus", "seq_len")) {
                if (!before.path(field).equals(c.path(field))) {
                    throw new IllegalArgumentException("--resume: " + field + " was " + before.path(field) + " in " + file
                            + " but is " + c.path(field) + " now; only --steps, --checkpoint-every and a lower --lr may"
                            + " change on resume");
                }
            }
            JsonNode was = before.path("train_config");
            for (String field : List.of("batch_size", "seed", "warmup", "weight_decay")) {
                if (!was.path(field).toString().equals(t.path(field).toString())) {
                    throw new IllegalArgumentException("--resume: train_config." + field + " was " + was.path(field)
                            + " in " + file + " but is " + t.path(field) + " now; only --steps, --checkpoint-every and"
                            + " a lower --lr may change on resume");
                }
            }
            TuneRunConfig.lowerRateOnly(was, t, file, step);
        }
        Files.createDirectories(spec.out());
        AtomicFiles.writeString(file, TuneRunConfig.JSON.writeValueAsString(c) + "\n");
    }

    private static int stepOf(Path checkpoint) throws IOException {
        return TuneRunConfig.JSON.readTree(checkpoint.resolve("state.json").toFile()).path("step").asInt();
    }
}
