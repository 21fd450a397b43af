package dev.promptlab.bench;

import dev.promptlab.tensor.Devices;
import ai.djl.ndarray.NDManager;
import dev.promptlab.eval.DecodingOptions;
import dev.promptlab.eval.Generator;
import dev.promptlab.eval.TokenLogProbs;
import dev.promptlab.model.LanguageModel;
import dev.promptlab.model.Models;
import dev.promptlab.tensor.Rng;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What a user's checkpoint costs here: load time (config, memory-mapped safetensors, up-cast to
 * F32), the process's peak resident memory, scoring throughput (one forward over a sequence) and
 * generation throughput (greedy, with the key/value cache). Inputs are random token ids, so no
 * tokenizer is needed and every checkpoint is measured the same way.
 *
 * @param loadSeconds median seconds of {@link Models#load}
 * @param parameters weight elements
 * @param peakRssBytes the process's peak resident set (VmHWM) after the runs, -1 where unknown
 * @param scoreTokensPerSecond median tokens per second when scoring {@code scoreLength} tokens
 * @param generateTokensPerSecond median new tokens per second generating {@code newTokens} greedily
 */
public record CheckpointBench(Benchmarks.Timing loadSeconds, long parameters, long peakRssBytes, int scoreLength,
        Benchmarks.Timing scoreTokensPerSecond, int newTokens, Benchmarks.Timing generateTokensPerSecond) {

    /** Loads {@code dir} {@code runs} times, and scores / generates {@code runs} times (after one warm-up) on the last load. */
    public static CheckpointBench run(Path dir, int runs, int scoreLength, int newTokens) {
        List<Double> loads = new ArrayList<>();
        List<Double> scores = new ArrayList<>();
        List<Double> generations = new ArrayList<>();
        long parameters = 0;
        try (NDManager root = Devices.newManager()) {
            for (int r = 0; r < runs; r++) {
                long t0 = System.nanoTime();
                LanguageModel model = Models.load(dir, root);
                loads.add((System.nanoTime() - t0) / 1e9);
                parameters = model.parameterCount();
                if (r < runs - 1) {
                    model.close(); // free the weights before the next load: peak memory stays one model's
                    continue;
                }
                try (model) {
                    Rng rng = new Rng(1);
                    int length = Math.min(scoreLength, model.config().contextLength());
                    int[] ids = new int[length];
                    for (int i = 0; i < length; i++) {
                        ids[i] = rng.nextInt(model.vocabSize());
                    }
                    TokenLogProbs scorer = new TokenLogProbs(model, null);
                    Generator generator = new Generator(model, null, null, -1);
                    int[] context = java.util.Arrays.copyOf(ids, Math.min(16, length));
                    DecodingOptions greedy = DecodingOptions.greedy(newTokens);
                    for (int i = 0; i <= runs; i++) { // the first of each is a warm-up
                        long s0 = System.nanoTime();
                        scorer.of(ids);
                        double scoreSeconds = (System.nanoTime() - s0) / 1e9;
                        long g0 = System.nanoTime();
                        int produced = generator.generate(context, greedy).ids().length;
                        double generateSeconds = (System.nanoTime() - g0) / 1e9;
                        if (i > 0) {
                            scores.add(length / scoreSeconds);
                            generations.add(produced / generateSeconds);
                        }
                    }
                }
            }
        }
        return new CheckpointBench(Benchmarks.Timing.of(loads), parameters, peakRss(), scoreLength,
                Benchmarks.Timing.of(scores), newTokens, Benchmarks.Timing.of(generations));
    }

    /** VmHWM of this process in bytes (Linux), or -1. */
    static long peakRss() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
