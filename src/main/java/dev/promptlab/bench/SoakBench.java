package dev.promptlab.bench;

import dev.promptlab.adapt.Adapter;
import dev.promptlab.adapt.SoftPromptConfig;
import dev.promptlab.eval.GreedyDecoder;
import dev.promptlab.model.LanguageModel;
import dev.promptlab.model.LoadedModel;
import dev.promptlab.tensor.Rng;
import dev.promptlab.train.AdapterObjective;
import dev.promptlab.train.CorpusWindows;
import dev.promptlab.train.StepInfo;
import dev.promptlab.train.TrainConfig;
import dev.promptlab.train.Trainer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A memory soak (what {@code promptlab bench --soak} runs): many soft-prompt training steps on one
 * model, then many greedy decoding calls, sampling the process's resident memory (VmRSS) as it
 * goes. Native memory that leaks a little per step (an array left on a long-lived manager, a
 * gradient handle not closed) shows as steady growth after the warm-up; a flat run shows none.
 * The figures are the growth of each phase from the end of its warm-up (the first tenth) to its
 * end, the largest sample after the warm-up, and the growth the trend of the samples after the
 * warm-up implies (least squares), which single noisy samples do not move.
 *
 * <p>Each sample also records the Java heap the JVM has committed: the heap starts small and grows
 * in regions as the run allocates, which raises resident memory without any leak. The growth of
 * what lies outside the committed heap (native tensors, libtorch, the allocator) is reported
 * beside the resident growth, so a reader can tell heap expansion from a native leak.
 *
 * <p>The data are random token windows, so the soak runs on any model without a task.
 */
public final class SoakBench {
    private static final Path STATUS = Path.of("/proc/self/status");

    private SoakBench() {}

    /**
     * One sample: the phase ("train" or "decode"), steps or calls done, resident bytes (-1 where
     * unknown) and the Java heap committed at that moment.
     */
    public record Sample(String phase, int done, long rssBytes, long heapCommittedBytes) {
        /** A sample whose heap is not known (-1). */
        public Sample(String phase, int done, long rssBytes) {
            this(phase, done, rssBytes, -1);
        }
    }

    /**
     * One phase's figures.
     *
     * @param warm resident bytes at the end of the warm-up
     * @param end resident bytes at the end
     * @param peak the largest sample after the warm-up
     * @param trendGrowth the growth over the phase after the warm-up that the least-squares line
     *     through the samples after the warm-up implies, as a fraction of {@code warm}: a leak's
     *     steady rise, without the noise of any single sample (allocator arenas move resident
     *     memory up and down by megabytes); NaN where memory cannot be read
     */
    public record Phase(String name, int count, long warm, long end, long peak, double trendGrowth, long heapWarm,
            long heapEnd) {
        /** (end − warm) / warm, NaN where memory cannot be read. */
        public double growth() {
            return warm > 0 ? (end - warm) / (double) warm : Double.NaN;
        }

        /** (peak − warm) / warm. */
        public double peakGrowth() {
            return warm > 0 ? (peak - warm) / (double) warm : Double.NaN;
        }

        /**
         * The growth of resident memory outside the committed Java heap, from the warm-up's end to
         * the end, as a fraction of {@code warm}; NaN where either figure is unknown.
         */
        public double outsideHeapGrowth() {
            if (warm <= 0 || end <= 0 || heapWarm < 0 || heapEnd < 0) {
                return Double.NaN;
            }
            return ((end - heapEnd) - (warm - heapWarm)) / (double) warm;
        }
    }

    /** The soak's figures: both phases and every sample. */
    public record Result(Phase train, Phase decode, List<Sample> samples) {}

    /**
     * Runs the soak on a loaded model.
     *
     * @param steps soft-prompt training steps (prompt of 10 vectors, batch 8)
     * @param calls greedy decoding calls (8-token contexts, 16 new tokens each, fewer for a short context)
     * @param samples resident-memory samples per phase (at least 10)
     * @param progress hears one line per sample
     */
    public static Result run(LoadedModel loaded, int steps, int calls, int samples, Consumer<String> progress) {
        if (steps < 10 || calls < 10 || samples < 10) {
            throw new IllegalArgumentException("a soak needs at least 10 steps, 10 calls and 10 samples, got " + steps
                    + ", " + calls + ", " + samples);
        }
        LanguageModel model = loaded.model();
        List<Sample> all = new ArrayList<>();
        Rng rng = new Rng(7);
        int[] stream = new int[20_000];
        for (int i = 0; i < stream.length; i++) {
            stream[i] = rng.nextInt(model.vocabSize());
        }
        int prompt = 10;
        int context = model.config().contextLength();
        if (context < prompt + 3) {
            throw new IllegalArgumentException("the model's context (" + context + " tokens) is too short for the soak's"
                    + " 10-vector prompt");
        }
        int window = Math.min(32, context - prompt - 1); // T + 1 tokens per window, after the prompt
        int contextTokens = Math.min(8, context - prompt - 2);
        int newTokens = Math.min(16, context - prompt - contextTokens);
        try (Adapter adapter = new SoftPromptConfig(prompt, SoftPromptConfig.Init.RANDOM, null).create(model, null,
                new Rng(1))) {
            TrainConfig config = new TrainConfig(steps, 8, 0.01, 0, 0.0, 1.0, 1, 100, 0);
            Trainer trainer = new Trainer(config, adapter.parameters(), new AdapterObjective(model, adapter),
                    new CorpusWindows(stream, 8, window, 3), model.manager());
            int every = Math.max(1, steps / samples);
            trainer.addListener((StepInfo info, Trainer t) -> {
                if (info.step() % every == 0 || info.step() == steps) {
                    sample("train", info.step(), all, progress);
                }
            });
            trainer.run();
            for (var p : adapter.parameters().values()) {
                p.setRequiresGradient(false);
            }
            GreedyDecoder decoder = new GreedyDecoder(model, adapter);
            int everyCall = Math.max(1, calls / samples);
            for (int c = 1; c <= calls; c++) {
                int[] ids = new int[contextTokens];
                for (int i = 0; i < ids.length; i++) {
                    ids[i] = rng.nextInt(model.vocabSize());
                }
                decoder.generate(ids, newTokens, -1);
                if (c % everyCall == 0 || c == calls) {
                    sample("decode", c, all, progress);
                }
            }
        }
        return new Result(phase("train", steps, all), phase("decode", calls, all), all);
    }

    private static void sample(String phase, int done, List<Sample> all, Consumer<String> progress) {
        long rss = residentBytes();
        long heap = Runtime.getRuntime().totalMemory();
        all.add(new Sample(phase, done, rss, heap));
        progress.accept(String.format("%s %d: resident %.1f MiB (Java heap committed %.1f MiB)", phase, done,
                rss / (double) (1 << 20), heap / (double) (1 << 20)));
    }

    /** A phase's figures from its samples: warm-up ends at the first sample past a tenth of the count. */
    private static Phase phase(String name, int count, List<Sample> all) {
        List<Sample> own = all.stream().filter(s -> s.phase().equals(name)).toList();
        Sample warm = own.stream().filter(s -> s.done() >= count / 10).findFirst().orElse(own.get(0));
        List<Sample> after = own.stream().filter(s -> s.done() >= warm.done()).toList();
        long peak = after.stream().mapToLong(Sample::rssBytes).max().orElse(-1);
        Sample last = own.get(own.size() - 1);
        return new Phase(name, count, warm.rssBytes(), last.rssBytes(), peak, trendGrowth(after, warm.rssBytes()),
                warm.heapCommittedBytes(), last.heapCommittedBytes());
    }

    /** slope × (last − first done) / warm of the least-squares line through {@code samples}; NaN if unknowable. */
    static double trendGrowth(List<Sample> samples, long warm) {
        if (samples.size() < 2 || warm <= 0 || samples.stream().anyMatch(s -> s.rssBytes() < 0)) {
            return Double.NaN;
        }
        double meanX = samples.stream().mapToDouble(Sample::done).average().orElseThrow();
        double meanY = samples.stream().mapToDouble(Sample::rssBytes).average().orElseThrow();
        double sxy = 0;
        double sxx = 0;
        for (Sample s : samples) {
            sxy += (s.done() - meanX) * (s.rssBytes() - meanY);
            sxx += (s.done() - meanX) * (s.done() - meanX);
        }
        double span = samples.get(samples.size() - 1).done() - samples.get(0).done();
        return sxx == 0 ? Double.NaN : sxy / sxx * span / warm;
    }

    /** The process's resident set (VmRSS of /proc/self/status), -1 where there is no such file. */
    public static long residentBytes() {
        try {
            for (String line : Files.readAllLines(STATUS, StandardCharsets.UTF_8)) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // not Linux: no figure
        }
        return -1;
    }
}
