package dev.promptlab.analysis;

import dev.promptlab.eval.CoinPredictions;
import dev.promptlab.eval.CoinPredictor;
import dev.promptlab.task.builtin.coins.CoinSequences;

import java.util.Arrays;

/**
 * A predictor conditioned on a hard prefix: every sequence is predicted as the continuation of
 * {@code prefix}, and the prefix positions' own predictions are dropped (they never count). For
 * an exact Bayes predictor this is conditioning on pseudo-observations (PreBayesPT).
 */
public final class PrefixedPredictor implements CoinPredictor {
    private final CoinPredictor inner;
    private final int[] prefix;

    public PrefixedPredictor(CoinPredictor inner, int[] prefix) {
        for (int x : prefix) {
            if (x != 0 && x != 1) {
                throw new IllegalArgumentException("prefix symbol " + x + " is not 0 or 1");
            }
        }
        this.inner = inner;
        this.prefix = prefix.clone();
    }

    public int[] prefix() {
        return prefix.clone();
    }

    @Override
    public CoinPredictions predict(CoinSequences sequences) {
        int p = prefix.length;
        int n = sequences.length();
        int[][] joined = new int[sequences.count()][p + n];
        for (int i = 0; i < joined.length; i++) {
            System.arraycopy(prefix, 0, joined[i], 0, p);
            System.arraycopy(sequences.tokens()[i], 0, joined[i], p, n);
        }
        CoinPredictions all = inner.predict(new CoinSequences(joined, sequences.pZero()));
        double[][] logZero = new double[joined.length][];
        double[][] logOne = new double[joined.length][];
        for (int i = 0; i < joined.length; i++) {
            logZero[i] = Arrays.copyOfRange(all.logZero()[i], p, p + n);
            logOne[i] = Arrays.copyOfRange(all.logOne()[i], p, p + n);
        }
        return new CoinPredictions(logZero, logOne);
    }
}
