package dev.promptlab.analysis;

import dev.promptlab.eval.CoinPredictions;
import dev.promptlab.eval.CoinPredictor;
import dev.promptlab.task.builtin.coins.CoinSequences;

/**
 * The Bayes-optimal predictor for coins with a Beta(alpha0, alpha1) prior over P(x = 0):
 * P(x_n = i | x_&lt;n) = (c_i + alpha_i) / (n − 1 + alpha0 + alpha1), c_i the count of i so far.
 * With Beta(1, 1) this is Laplace's rule, the pretraining distribution's Bayes predictor
 * (PreBayes).
 */
public record BetaBernoulli(double alpha0, double alpha1) implements CoinPredictor {
    public BetaBernoulli {
        if (!(alpha0 > 0) || !(alpha1 > 0)) {
            throw new IllegalArgumentException("Beta parameters must be > 0, got " + alpha0 + ", " + alpha1);
        }
    }

    /** The posterior after observing {@code prefix}: Beta(alpha0 + zeros, alpha1 + ones). */
    public BetaBernoulli after(int[] prefix) {
        int zeros = 0;
        for (int x : prefix) {
            zeros += x == 0 ? 1 : 0;
        }
        return new BetaBernoulli(alpha0 + zeros, alpha1 + prefix.length - zeros);
    }

    @Override
    public CoinPredictions predict(CoinSequences sequences) {
        int n = sequences.length();
        double[][] logZero = new double[sequences.count()][n];
        double[][] logOne = new double[sequences.count()][n];
        for (int i = 0; i < sequences.count(); i++) {
            int[] x = sequences.tokens()[i];
            int c0 = 0;
            for (int t = 0; t < n; t++) {
                double total = Math.log(t + alpha0 + alpha1);
                logZero[i][t] = Math.log(c0 + alpha0) - total;
                logOne[i][t] = Math.log(t - c0 + alpha1) - total;
                c0 += x[t] == 0 ? 1 : 0;
            }
        }
        return new CoinPredictions(logZero, logOne);
    }
}
