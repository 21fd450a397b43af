package dev.promptlab.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.promptlab.adapt.Adapter;
import dev.promptlab.model.LanguageModel;
import dev.promptlab.task.builtin.coins.CoinSequences;
import dev.promptlab.train.AdapterObjective;

/**
 * A coin network (with an adapter, or none) as a {@link CoinPredictor}: sequences go in as
 * [BOS, x_1, .., x_{N-1}] in chunks of {@code chunk} rows, each chunk's arrays in its own scope;
 * the logits of the adapter's virtual positions are dropped. Chunks stay small on purpose: small
 * tensors are reused by the allocator, while large ones cost page faults on every call.
 */
public final class NetworkPredictor implements CoinPredictor {
    private final LanguageModel model;
    private final Adapter adapter;
    private final int chunk;

    public NetworkPredictor(LanguageModel model, Adapter adapter, int chunk) {
        if (chunk < 1) {
            throw new IllegalArgumentException("chunk must be >= 1, got " + chunk);
        }
        this.model = model;
        this.adapter = adapter;
        this.chunk = chunk;
    }

    @Override
    public CoinPredictions predict(CoinSequences sequences) {
        int count = sequences.count();
        int n = sequences.length();
        double[][] logZero = new double[count][n];
        double[][] logOne = new double[count][n];
        for (int from = 0; from < count; from += chunk) {
            int to = Math.min(count, from + chunk);
            try (NDManager scope = model.manager().newSubManager()) {
                NDArray ids = sequences.slice(from, to).inputIds(scope); // (b, N)
                NDArray logits = AdapterObjective.logits(model, adapter, ids); // (b, N, V)
                if (logits.getShape().get(2) != 2) {
                    throw new IllegalArgumentException("a coin predictor needs 2 outputs, the model has "
                            + logits.getShape().get(2));
                }
                float[] lp = logits.logSoftmax(2).toFloatArray(); // (b, N, 2) flattened
                for (int i = from; i < to; i++) {
                    int base = (i - from) * n * 2;
                    for (int t = 0; t < n; t++) {
                        logZero[i][t] = lp[base + 2 * t];
                        logOne[i][t] = lp[base + 2 * t + 1];
                    }
                }
            }
        }
        return new CoinPredictions(logZero, logOne);
    }
}
