package dev.promptlab.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.promptlab.eval.GreedyDecoder;
import dev.promptlab.model.LanguageModel;
import dev.promptlab.model.ModelInput;
import dev.promptlab.tensor.Rng;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Greedy decoding with the key/value cache against recomputing the whole sequence for every new
 * token (what a decoder without a cache does): seconds for {@code newTokens} tokens after a
 * context, medians over runs, and a check that both write the same tokens.
 */
public final class DecodingBench {
    private DecodingBench() {}

    /**
     * @param cached seconds with the cache
     * @param recomputed seconds recomputing the sequence at every step
     * @param sameTokens whether both wrote the same ids
     */
    public record Figure(int contextTokens, int newTokens, Benchmarks.Timing cached, Benchmarks.Timing recomputed,
            boolean sameTokens) {
        public double speedup() {
            return recomputed.median() / cached.median();
        }
    }

    public static Figure run(LanguageModel model, int contextTokens, int newTokens, int warmup, int runs) {
        if (contextTokens + newTokens > model.config().contextLength()) {
            throw new IllegalArgumentException(contextTokens + " + " + newTokens + " tokens exceed the model's context of "
                    + model.config().contextLength());
        }
        Rng rng = new Rng(11);
        int[] context = new int[contextTokens];
        for (int i = 0; i < context.length; i++) {
            context[i] = rng.nextInt(model.vocabSize());
        }
        List<Double> cached = new ArrayList<>();
        List<Double> recomputed = new ArrayList<>();
        int[] withCache = null;
        int[] without = null;
        GreedyDecoder decoder = new GreedyDecoder(model, null);
        for (int i = 0; i < warmup + runs; i++) {
            long start = System.nanoTime();
            withCache = decoder.generate(context, newTokens, -1);
            double a = (System.nanoTime() - start) / 1e9;
            start = System.nanoTime();
            without = recompute(model, context, newTokens);
            double b = (System.nanoTime() - start) / 1e9;
            if (i >= warmup) {
                cached.add(a);
                recomputed.add(b);
            }
        }
        return new Figure(contextTokens, newTokens, Benchmarks.Timing.of(cached), Benchmarks.Timing.of(recomputed),
                Arrays.equals(withCache, without));
    }

    /** Greedy decoding that feeds the whole sequence again for every new token. */
    static int[] recompute(LanguageModel model, int[] context, int newTokens) {
        int[] seq = Arrays.copyOf(context, context.length + newTokens);
        for (int n = context.length; n < seq.length; n++) {
            try (NDManager scope = model.manager().newSubManager()) {
                long[] ids = Arrays.stream(seq, 0, n).asLongStream().toArray();
                NDArray x = scope.create(ids, new Shape(1, n)); // (1, n)
                NDArray hidden = model.forward(ModelInput.ofIds(x).withLogits(false)).hidden(); // (1, n, C)
                NDArray last = hidden.get(new NDIndex(":, -1, :")); // (1, C)
                seq[n] = (int) model.logitsOf(last).argMax(1).getLong(0); // only the last row's logits are read
            }
        }
        return Arrays.copyOfRange(seq, context.length, seq.length);
    }
}
