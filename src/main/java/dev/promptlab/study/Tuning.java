package dev.promptlab.study;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptlab.adapt.Adapter;
import dev.promptlab.adapt.Adapters;
import dev.promptlab.adapt.MethodConfig;
import dev.promptlab.adapt.TuningMethod;
import dev.promptlab.eval.ClassificationResult;
import dev.promptlab.eval.VerbalizerClassifier;
import dev.promptlab.model.LanguageModel;
import dev.promptlab.model.LoadedModel;
import dev.promptlab.task.EncodedExample;
import dev.promptlab.task.Encoder;
import dev.promptlab.task.Example;
import dev.promptlab.task.Task;
import dev.promptlab.task.TaskSource;
import dev.promptlab.task.builtin.wordnet.Split;
import dev.promptlab.tensor.AtomicFiles;
import dev.promptlab.tensor.Rng;
import dev.promptlab.train.Checkpoint;
import dev.promptlab.train.Checkpointer;
import dev.promptlab.train.ExampleSampler;
import dev.promptlab.train.MetricsWriter;
import dev.promptlab.train.ProgressListener;
import dev.promptlab.train.PromptBatch;
import dev.promptlab.train.Trainer;
import dev.promptlab.train.TrainingDivergedException;
import dev.promptlab.train.AdapterObjective;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The library entry point for a tuning run: what {@code promptlab tune} calls, and what a Java
 * user calls with a {@link TuneSpec}. It owns the run-directory contract:
 * <ul>
 *   <li>the run holds {@code out/.lock} ({@link RunLock}) for its life: a second process given the
 *       same directory refuses;</li>
 *   <li>a new run refuses a non-empty directory; {@code resume} continues from the run's
 *       checkpoint (from the start when it was killed before its first one) and refuses a
 *       different experiment (config.json), but accepts a lower learning rate;</li>
 *   <li>config.json is written first; checkpoints are written atomically (the previous one stays
 *       whole until the new one replaces it) and resume exactly (parameters, AdamW moments, step,
 *       data position, random streams);</li>
 *   <li>a run that fails before its first checkpoint leaves no directory behind; a divergence
 *       (NaN or infinite loss or gradient) stops it with the last good checkpoint intact;</li>
 *   <li>at the end each seed's directory has {@code adapter/} (PEFT layout) or {@code model/}
 *       (full tuning) and {@code result.json}; a multi-seed run adds {@code summary.json}.</li>
 * </ul>
 * Several seeds of a prompt method train as K prompts of one batch ({@link PromptBatch}); the
 * batch's state is {@code out/checkpoint/}, and each seed's share is also written to its own
 * {@code checkpoint/}, so a seed can be continued alone. Other methods train seed after seed in
 * this process.
 */
public final class Tuning {

    private Tuning() {}

    /** Runs the spec, printing nothing but the progress bar (when asked for). */
    public static TuneResult run(TuneSpec spec) throws IOException {
        return run(spec, line -> {});
    }

    /** Runs the spec; {@code log} hears one line per notable event (resuming, a seed already done). */
    public static TuneResult run(TuneSpec spec, Consumer<String> log) throws IOException {
        requireRunDirectory(spec, false); // before anything is read or written
        TaskSource.Loaded data = spec.data().load(Split.TRAIN, null);
        try (RunLock lock = RunLock.acquire(spec.out())) {
            requireRunDirectory(spec, true); // again: another process may have written it before we held the lock
            if (spec.resume()) {
                recoverCheckpoints(spec);
            }
            return runLocked(spec, data, log);
        }
    }

    private static TuneResult runLocked(TuneSpec spec, TaskSource.Loaded data, Consumer<String> log)
            throws IOException {
        boolean batched = spec.seedDirectories() && spec.method().batchable();
        boolean fresh = !spec.resume();
        try {
            List<TuneResult.SeedRun> runs = new ArrayList<>();
            if (!spec.seedDirectories() || batched) {
                try (LoadedModel loaded = ModelSource.load(spec.model())) {
                    runs.addAll(batched ? new SeedBatchRun(spec, data, loaded, log).run()
                            : List.of(new SingleRun(spec, data, loaded, spec.seeds().get(0), log).run()));
                }
            } else {
                for (long seed : spec.seeds()) { // weight methods change or wrap the model: each seed loads it afresh
                    try (LoadedModel loaded = ModelSource.load(spec.model())) {
                        if (seed == spec.seeds().get(0)) {
                            writeTopConfig(spec, data, loaded.model());
                        }
                        runs.add(new SingleRun(spec, data, loaded, seed, log).run());
                    }
                }
            }
            TuneResult result = new TuneResult(spec.out(), runs);
            if (spec.seedDirectories()) {
                RunOutputs.writeSummary(spec, result);
            }
            return result;
        } catch (RuntimeException | IOException e) {
            boolean resumable = RunOutputs.hasCheckpoint(spec.out());
            if (fresh && !resumable) {
                RunDirectory.deleteContents(spec.out()); // nothing resumable yet: leave no half-written run behind
            }
            if (e instanceof TrainingDivergedException d) {
                throw diverged(d, spec, resumable);
            }
            throw e;
        }
    }

    /** The divergence, with what to do next: where the last good checkpoint is, and how to go on from it. */
    private static TrainingDivergedException diverged(TrainingDivergedException d, TuneSpec spec, boolean resumable) {
        String lower = TrainingDivergedException.suggestedRate(d.learningRate());
        String next = resumable
                ? "; the last checkpoint (" + lastCheckpoint(spec) + ") is intact: continue from it with a lower"
                        + " learning rate, e.g. add --resume --lr " + lower
                : "; no checkpoint had been written, so nothing was kept: start again with a lower learning rate,"
                        + " e.g. --lr " + lower;
        String message = d.getMessage();
        int cut = message.indexOf(". Lower the learning rate");
        return new TrainingDivergedException(d, (cut < 0 ? message : message.substring(0, cut)) + next
                + " (or raise --warmup, or lower --clip)");
    }

    private static String lastCheckpoint(TuneSpec spec) {
        Path dir = spec.seedDirectories() && !spec.method().batchable() ? null : spec.out().resolve("checkpoint");
        if (dir == null) {
            return "each seed's checkpoint/";
        }
        try {
            return dir + ", step " + TuneRunConfig.JSON.readTree(dir.resolve("state.json").toFile()).path("step").asInt();
        } catch (IOException e) {
            return dir.toString();
        }
    }

    /** Checked before anything is loaded (and again under the lock): see {@link RunDirectory#require}. */
    private static void requireRunDirectory(TuneSpec spec, boolean locked) {
        RunDirectory.require(spec.out(), spec.resume(), locked, "config.json", "tune");
    }

    /**
     * Repairs what a kill left in the run's directory and each seed's: a checkpoint or adapter
     * half-replaced is put back, temporary files go.
     */
    private static void recoverCheckpoints(TuneSpec spec) throws IOException {
        AtomicFiles.recoverLeftovers(spec.out());
        for (long seed : spec.seeds()) {
            if (spec.seedDirectories()) {
                AtomicFiles.recoverLeftovers(spec.dirFor(seed));
            }
        }
    }

    private static void writeTopConfig(TuneSpec spec, TaskSource.Loaded data, LanguageModel model) throws IOException {
        ObjectNode top = TuneRunConfig.of(spec, data, model, null);
        if (spec.resume()) {
            top = TuneRunConfig.resumed(spec.out(), top, checkpointStep(spec.out().resolve("checkpoint")));
        }
        TuneRunConfig.write(spec.out(), top);
    }

    /** The step a checkpoint holds, 0 without one. */
    private static int checkpointStep(Path checkpoint) throws IOException {
        return Checkpoint.exists(checkpoint)
                ? TuneRunConfig.JSON.readTree(checkpoint.resolve("state.json").toFile()).path("step").asInt() : 0;
    }

    /** Encodes the examples for this model; each must fit its context after the method's prompt. */
    static List<EncodedExample> encode(Task task, TaskSource.Loaded data, LoadedModel loaded, MethodConfig method) {
        Encoder encoder = new Encoder(loaded.tokenizer(), task.template());
        return encoder.encodeAll(task.examples(), !task.isClassification(), method.contextPositions(),
                loaded.model().config().contextLength(), data.label());
    }

    /** One seed's run, in its own directory: a plain adapter (or weights) with its own trainer. */
    private static final class SingleRun {
        private final TuneSpec spec;
        private final TaskSource.Loaded data;
        private final LoadedModel loaded;
        private final long seed;
        private final Consumer<String> log;

        SingleRun(TuneSpec spec, TaskSource.Loaded data, LoadedModel loaded, long seed, Consumer<String> log) {
            this.spec = spec;
            this.data = data;
            this.loaded = loaded;
            this.seed = seed;
            this.log = log;
        }

        TuneResult.SeedRun run() throws IOException {
            Path dir = spec.dirFor(seed);
            if (spec.seedDirectories() && spec.resume() && RunOutputs.isComplete(dir)) {
                log.accept("seed " + seed + " is done (" + dir.resolve("result.json") + ")");
                return RunOutputs.readResult(seed, dir, Adapters.method(spec.method().method()));
            }
            boolean resume = spec.resume() && Checkpoint.exists(dir.resolve("checkpoint"));
            List<EncodedExample> encoded = encode(data.task(), data, loaded, spec.method());
            ObjectNode config = TuneRunConfig.of(spec, data, loaded.model(), seed);
            if (spec.resume()) { // with or without a checkpoint: a run killed before its first one starts over
                config = TuneRunConfig.resumed(dir, config, checkpointStep(dir.resolve("checkpoint")));
            }
            TuneRunConfig.write(dir, config);
            LanguageModel model = loaded.model();
            int pad = Math.max(0, loaded.tokenizer().padId());
            try (Adapter adapter = spec.method().create(model, loaded.tokenizer(), new Rng(seed))) {
                Trainer trainer = new Trainer(spec.trainFor(seed), adapter.parameters(), new AdapterObjective(model, adapter),
                        new ExampleSampler(encoded, spec.train().batchSize(), pad, seed + 1), model.manager());
                if (resume) {
                    try (var scope = model.manager().newSubManager()) {
                        trainer.restore(Checkpoint.load(dir.resolve("checkpoint"), scope));
                    }
                    log.accept("resuming at step " + trainer.step() + " of " + spec.train().steps());
                }
                trainer.addListener(new MetricsWriter(dir.resolve("metrics.jsonl"), spec.train().logEvery()));
                trainer.addListener(new Checkpointer(dir.resolve("checkpoint"), spec.train().checkpointEvery()));
                if (spec.progress()) {
                    trainer.addListener(new ProgressListener(spec.seedDirectories() ? "tune seed " + seed : "tune"));
                }
                trainer.run();
                return RunOutputs.finish(spec, data.task(), loaded, adapter, seed, dir, trainer.step(), trainer.lastLoss(),
                        null);
            }
        }
    }

    /** K seeds of a prompt method trained as K prompts of one batch; each writes its own directory. */
    private static final class SeedBatchRun {
        private final TuneSpec spec;
        private final TaskSource.Loaded data;
        private final LoadedModel loaded;
        private final Consumer<String> log;

        SeedBatchRun(TuneSpec spec, TaskSource.Loaded data, LoadedModel loaded, Consumer<String> log) {
            this.spec = spec;
            this.data = data;
            this.loaded = loaded;
            this.log = log;
        }

        List<TuneResult.SeedRun> run() throws IOException {
            LanguageModel model = loaded.model();
            List<EncodedExample> encoded = encode(data.task(), data, loaded, spec.method());
            writeTopConfig(spec, data, model);
            boolean resume = spec.resume() && Checkpoint.exists(spec.out().resolve("checkpoint"));
            int step = checkpointStep(spec.out().resolve("checkpoint"));
            for (long seed : spec.seeds()) {
                ObjectNode config = TuneRunConfig.of(spec, data, model, seed);
                if (spec.resume()) {
                    config = TuneRunConfig.resumed(spec.dirFor(seed), config, step);
                }
                TuneRunConfig.write(spec.dirFor(seed), config);
            }
            List<Adapter> prompts = new ArrayList<>();
            try {
                List<PromptBatch.Member> members = new ArrayList<>();
                for (long seed : spec.seeds()) {
                    Adapter prompt = spec.method().create(model, loaded.tokenizer(), new Rng(seed));
                    prompts.add(prompt);
                    members.add(new PromptBatch.Member(prompt, seed + 1, null));
                }
                PromptBatch batch = new PromptBatch(model, members, encoded, Math.max(0, loaded.tokenizer().padId()),
                        spec.train());
                Trainer trainer = batch.trainer();
                if (resume) {
                    try (var scope = model.manager().newSubManager()) {
                        trainer.restore(Checkpoint.load(spec.out().resolve("checkpoint"), scope));
                    }
                    log.accept("resuming " + prompts.size() + " prompts at step " + trainer.step() + " of "
                            + spec.train().steps());
                }
                for (int k = 0; k < prompts.size(); k++) {
                    trainer.addListener(new MetricsWriter(spec.dirFor(spec.seeds().get(k)).resolve("metrics.jsonl"),
                            spec.train().logEvery(), k));
                }
                trainer.addListener(new BatchCheckpointer(batch, spec));
                if (spec.progress()) {
                    trainer.addListener(new ProgressListener("tune " + prompts.size() + " seeds"));
                }
                trainer.run();
                List<ClassificationResult> train = data.task().isClassification() && spec.trainAccuracyExamples() > 0
                        ? trainAccuracy(loaded, prompts, data.task(), spec.trainAccuracyExamples())
                        : null; // all seeds' prompts in shared batches
                List<TuneResult.SeedRun> runs = new ArrayList<>();
                for (int k = 0; k < prompts.size(); k++) {
                    long seed = spec.seeds().get(k);
                    runs.add(RunOutputs.finish(spec, data.task(), loaded, prompts.get(k), seed, spec.dirFor(seed),
                            trainer.step(), batch.lastLoss(k), train == null ? null : train.get(k)));
                }
                return runs;
            } finally {
                prompts.forEach(Adapter::close);
            }
        }
    }

    /** The batch's checkpoint (authoritative for resume), then each seed's share, at the same steps. */
    private static final class BatchCheckpointer implements dev.promptlab.train.TrainListener {
        private final PromptBatch batch;
        private final TuneSpec spec;
        private final Checkpointer whole;

        BatchCheckpointer(PromptBatch batch, TuneSpec spec) {
            this.batch = batch;
            this.spec = spec;
            this.whole = new Checkpointer(spec.out().resolve("checkpoint"), spec.train().checkpointEvery());
        }

        @Override
        public void onStep(dev.promptlab.train.StepInfo info, Trainer trainer) {
            int every = spec.train().checkpointEvery();
            if (every > 0 && info.step() % every == 0 && info.step() != info.totalSteps()) {
                whole.onStep(info, trainer);
                saveShares();
            }
        }

        @Override
        public void onEnd(Trainer trainer) {
            whole.onEnd(trainer);
            saveShares();
        }

        private void saveShares() {
            try {
                for (int k = 0; k < batch.size(); k++) {
                    batch.saveCheckpoint(k, spec.dirFor(spec.seeds().get(k)).resolve("checkpoint"));
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("cannot write a seed's checkpoint: " + e.getMessage(), e);
            }
        }
    }

    /**
     * Train accuracy of each adapter by verbalizer scoring on the first examples (classification
     * only); several prompts of one family are scored in shared batches.
     */
    static List<ClassificationResult> trainAccuracy(LoadedModel loaded, List<? extends Adapter> adapters, Task task,
            int examples) {
        List<Example> sample = task.examples().subList(0, Math.min(task.examples().size(), examples));
        Encoder encoder = new Encoder(loaded.tokenizer(), task.template());
        return VerbalizerClassifier.evaluateEach(loaded.model(), adapters, encoder, task.labels(), 32,
                dev.promptlab.eval.Scoring.DIRECT, sample);
    }

    /** The method's registration, for saving and naming its output. */
    static TuningMethod method(TuneSpec spec) {
        return Adapters.method(spec.method().method());
    }
}
