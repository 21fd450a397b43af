package dev.promptlab.study;

import dev.promptlab.adapt.MethodConfig;
import dev.promptlab.task.TaskSource;
import dev.promptlab.train.TrainConfig;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;

/**
 * Everything a tuning run needs, validated: the model, the data, the method and its settings, the
 * training settings, the seeds and the run directory. {@link Tuning#run} runs it; {@code
 * promptlab tune} builds one from its options.
 *
 * @param model a model directory (Hugging Face layout) or {@code builtin:tiny|small|base}
 * @param data the training examples and how to render and score them
 * @param method the tuning method's validated settings
 * @param train optimisation settings (its seed is ignored: {@code seeds} are used)
 * @param seeds each seed trains one prompt (initialisation from seed s, data order from s + 1)
 * @param seedDirectories whether the run writes {@code out/seed-S/} per seed and
 *     {@code out/summary.json} (what {@code --seeds} does), rather than one run in {@code out} (one seed only)
 * @param out the run directory
 * @param resume continue the run in {@code out} from its checkpoint instead of starting afresh
 * @param progress show a progress bar on stderr
 * @param trainAccuracyExamples how many training examples (the first ones) the final train accuracy of a
 *     classification task is measured on; 0 skips it (on a large model it costs a forward pass per example)
 */
public record TuneSpec(String model, TaskSource data, MethodConfig method, TrainConfig train, List<Long> seeds,
        boolean seedDirectories, Path out, boolean resume, boolean progress, int trainAccuracyExamples) {

    /** What {@code tune} measures the train accuracy on unless told otherwise. */
    public static final int DEFAULT_TRAIN_ACCURACY_EXAMPLES = 512;

    public TuneSpec {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(out, "out");
        if (seeds == null || seeds.isEmpty()) {
            throw new IllegalArgumentException("give at least one seed");
        }
        seeds = List.copyOf(seeds);
        if (trainAccuracyExamples < 0) {
            throw new IllegalArgumentException("--train-accuracy must be >= 0 (0 skips it), got " + trainAccuracyExamples);
        }
        if (new HashSet<>(seeds).size() != seeds.size()) {
            throw new IllegalArgumentException("seeds must be distinct, got " + seeds);
        }
        if (!seedDirectories && seeds.size() > 1) {
            throw new IllegalArgumentException(seeds.size() + " seeds need one directory each (seedDirectories)");
        }
        if (seedDirectories && seeds.size() > 4096) {
            throw new IllegalArgumentException("at most 4096 seeds in one run, got " + seeds.size());
        }
    }

    /** The training settings of the run with seed {@code seed}. */
    public TrainConfig trainFor(long seed) {
        return new TrainConfig(train.steps(), train.batchSize(), train.learningRate(), train.warmupSteps(),
                train.weightDecay(), train.gradClip(), seed, train.logEvery(), train.checkpointEvery());
    }

    /** The directory of seed {@code seed}'s run. */
    public Path dirFor(long seed) {
        return seedDirectories ? out.resolve("seed-" + seed) : out;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link TuneSpec} with {@code tune}'s defaults for what is not set. */
    public static final class Builder {
        private String model;
        private TaskSource data;
        private MethodConfig method;
        private int steps = -1;
        private int batchSize = 8;
        private double learningRate = 0.03;
        private int warmup;
        private double weightDecay;
        private double clip = 1.0;
        private int logEvery = 10;
        private int checkpointEvery = 100;
        private List<Long> seeds = List.of(0L);
        private boolean seedDirectories;
        private Path out;
        private boolean resume;
        private boolean progress;
        private int trainAccuracyExamples = DEFAULT_TRAIN_ACCURACY_EXAMPLES;

        private Builder() {}

        /** A model directory or {@code builtin:tiny|small|base}. */
        public Builder model(String ref) {
            this.model = ref;
            return this;
        }

        /** A built-in task, {@code builtin:NAME[:SPLIT]} (default split: train). */
        public Builder task(String builtinRef) {
            this.data = TaskSource.builtin(builtinRef);
            return this;
        }

        public Builder data(TaskSource source) {
            this.data = source;
            return this;
        }

        public Builder method(MethodConfig config) {
            this.method = config;
            return this;
        }

        public Builder steps(int n) {
            this.steps = n;
            return this;
        }

        /** Examples per step (per prompt with several seeds); default 8. */
        public Builder batchSize(int n) {
            this.batchSize = n;
            return this;
        }

        /** Peak learning rate; default 0.03 (prompts; LoRA and full tuning want less). */
        public Builder learningRate(double lr) {
            this.learningRate = lr;
            return this;
        }

        public Builder warmup(int steps) {
            this.warmup = steps;
            return this;
        }

        public Builder weightDecay(double decay) {
            this.weightDecay = decay;
            return this;
        }

        /** Gradient-norm clip, 0 = off; default 1. */
        public Builder clip(double maxNorm) {
            this.clip = maxNorm;
            return this;
        }

        public Builder logEvery(int steps) {
            this.logEvery = steps;
            return this;
        }

        /** Steps between checkpoints, 0 = at the end only; default 100. */
        public Builder checkpointEvery(int steps) {
            this.checkpointEvery = steps;
            return this;
        }

        /** One run in the output directory itself, with this seed (default 0). */
        public Builder seed(long seed) {
            this.seeds = List.of(seed);
            this.seedDirectories = false;
            return this;
        }

        /** One prompt per seed, trained in one batch where the method allows; {@code out/seed-S/} each. */
        public Builder seeds(long... seeds) {
            this.seeds = java.util.Arrays.stream(seeds).boxed().toList();
            this.seedDirectories = true;
            return this;
        }

        public Builder seeds(List<Long> seeds) {
            this.seeds = List.copyOf(seeds);
            this.seedDirectories = true;
            return this;
        }

        public Builder out(Path dir) {
            this.out = dir;
            return this;
        }

        public Builder resume(boolean resume) {
            this.resume = resume;
            return this;
        }

        public Builder progress(boolean show) {
            this.progress = show;
            return this;
        }

        /** Training examples the final train accuracy is measured on (0: none). */
        public Builder trainAccuracyExamples(int n) {
            this.trainAccuracyExamples = n;
            return this;
        }

        public TuneSpec build() {
            if (steps < 0) {
                throw new IllegalArgumentException("set the number of steps");
            }
            TrainConfig train = new TrainConfig(steps, batchSize, learningRate, warmup, weightDecay, clip, seeds.get(0),
                    logEvery, checkpointEvery);
            return new TuneSpec(model, data, method, train, seeds, seedDirectories, out, resume, progress,
                    trainAccuracyExamples);
        }
    }
}
