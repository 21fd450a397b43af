package dev.promptlab.bench;

import dev.promptlab.tensor.Devices;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.promptlab.adapt.SoftPrompt;
import dev.promptlab.adapt.SoftPromptConfig;
import dev.promptlab.model.Architectures;
import dev.promptlab.model.LanguageModel;
import dev.promptlab.model.ModelConfig;
import dev.promptlab.tensor.Rng;
import dev.promptlab.train.AdapterObjective;
import dev.promptlab.train.Batch;
import dev.promptlab.train.BatchSource;
import dev.promptlab.train.TrainConfig;
import dev.promptlab.train.Trainer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The measured figures of {@code promptlab bench}: the engine's sgemm throughput, and one
 * soft-prompt training step on GPT-2-small shapes compared with it. Each figure is the median of
 * several timed runs after warm-up runs.
 */
public final class Benchmarks {
    private Benchmarks() {}

    /** Median and all samples of a timed quantity. */
    public record Timing(double median, double[] samples) {
        static Timing of(List<Double> values) {
            double[] s = values.stream().mapToDouble(Double::doubleValue).toArray();
            double[] sorted = s.clone();
            Arrays.sort(sorted);
            int n = sorted.length;
            double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
            return new Timing(median, s);
        }
    }

    /** Seconds of an n×n×n float32 matrix product (the product is forced to completion). */
    public static Timing sgemm(int n, int warmup, int runs) {
        return gemm(n, n, n, DataType.FLOAT32, warmup, runs);
    }

    /**
     * Seconds of one (m, k) × (k, n) matrix product in {@code type} (FLOAT32 or FLOAT16; the
     * engine's JNI has no bfloat16), median over runs after warm-up.
     */
    public static Timing gemm(int m, int k, int n, DataType type, int warmup, int runs) {
        List<Double> seconds = new ArrayList<>();
        try (NDManager manager = Devices.newManager()) {
            Rng rng = new Rng(1);
            NDArray a = manager.create(rng.gaussians(m * k, 1), new Shape(m, k)).toType(type, false); // (m, k)
            NDArray b = manager.create(rng.gaussians(k * n, 1), new Shape(k, n)).toType(type, false); // (k, n)
            for (int i = 0; i < warmup + runs; i++) {
                try (NDManager scope = manager.newSubManager()) {
                    long start = System.nanoTime();
                    NDArray c = a.matMul(b); // (m, n)
                    c.attach(scope);
                    c.get(0, 0).toType(DataType.FLOAT32, false).getFloat(); // forces the computation to finish
                    double s = (System.nanoTime() - start) / 1e9;
                    if (i >= warmup) {
                        seconds.add(s);
                    }
                }
            }
        }
        return Timing.of(seconds);
    }

    /** FLOPs of one GPT forward pass over B sequences of T' positions (the formula). */
    public static double gptForwardFlops(int b, int tPrime, int layers, int hidden, int vocab) {
        double c = hidden;
        return 2.0 * b * tPrime * (12.0 * layers * c * c + (double) vocab * c) + 4.0 * b * layers * (double) tPrime * tPrime * c;
    }

    /**
     * Seconds per soft-prompt training step (forward, backward to the prompt only, clip, AdamW)
     * on a randomly initialised GPT with the given shapes, next-token loss on all T tokens.
     */
    public static Timing softPromptStep(ModelConfig config, int batch, int tokens, int promptLength, int warmup, int runs) {
        List<Double> seconds = new ArrayList<>();
        try (NDManager manager = Devices.newManager();
                LanguageModel model = Architectures.byName(config.arch()).init(config, manager, new Rng(7));
                SoftPrompt prompt = SoftPrompt.create(new SoftPromptConfig(promptLength, SoftPromptConfig.Init.RANDOM, null),
                        model, null, new Rng(8))) {
            Rng rng = new Rng(9);
            int[][] windows = new int[batch][tokens + 1];
            for (int[] w : windows) {
                for (int i = 0; i < w.length; i++) {
                    w[i] = rng.nextInt(config.vocabSize());
                }
            }
            BatchSource fixed = new BatchSource() {
                @Override
                public Batch next(NDManager m) {
                    return Batch.ofWindows(windows, m); // (B, T) ids, targets, all-ones mask
                }

                @Override
                public long[] state() {
                    return new long[0];
                }

                @Override
                public void restore(long[] state) {}
            };
            TrainConfig train = new TrainConfig(warmup + runs, batch, 1e-3, 0, 0, 1.0, 0, 1, 0);
            Trainer trainer = new Trainer(train, prompt.parameters(), new AdapterObjective(model, prompt), fixed, manager);
            trainer.addListener((info, t) -> {
                if (info.step() > warmup) {
                    seconds.add(info.seconds());
                }
            });
            trainer.run();
        }
        return Timing.of(seconds);
    }
}
