package dev.promptlab.eval;

import dev.promptlab.task.builtin.coins.CoinSequences;

/**
 * Cumulative regret in nats against the generating coin: for a sequence x with coin bias τ*,
 * R(n) = Σ_{t ≤ n} [−log π(x_t | x_&lt;t) + log P(x_t | τ*)], the excess log loss over an oracle
 * that knows the coin. Averaged over sequences.
 */
public final class Regret {
    private Regret() {}

    /** Cumulative regret (count, length) of each sequence at every n = 1..length. */
    public static double[][] perSequence(CoinPredictor predictor, CoinSequences sequences) {
        return perSequence(predictor.predict(sequences), sequences);
    }

    /** As {@link #perSequence(CoinPredictor, CoinSequences)} from predictions already made. */
    public static double[][] perSequence(CoinPredictions predictions, CoinSequences sequences) {
        if (predictions.count() != sequences.count()) {
            throw new IllegalArgumentException(predictions.count() + " predictions for " + sequences.count() + " sequences");
        }
        int n = sequences.length();
        double[][] out = new double[sequences.count()][n];
        for (int i = 0; i < sequences.count(); i++) {
            double tau = sequences.pZero()[i];
            double logTrue0 = Math.log(tau);
            double logTrue1 = Math.log1p(-tau);
            double sum = 0;
            for (int t = 0; t < n; t++) {
                int x = sequences.tokens()[i][t];
                sum += -predictions.logProb(i, t, x) + (x == 0 ? logTrue0 : logTrue1);
                out[i][t] = sum;
            }
        }
        return out;
    }

    /** Mean over sequences of the cumulative regret at every n = 1..length (index n − 1). */
    public static double[] meanCumulative(CoinPredictor predictor, CoinSequences sequences) {
        return mean(perSequence(predictor, sequences));
    }

    /** Column means of a (count, length) table. */
    public static double[] mean(double[][] perSequence) {
        double[] m = new double[perSequence[0].length];
        for (double[] row : perSequence) {
            for (int t = 0; t < m.length; t++) {
                m[t] += row[t];
            }
        }
        for (int t = 0; t < m.length; t++) {
            m[t] /= perSequence.length;
        }
        return m;
    }

    /** Mean cumulative log loss Σ_t −log π(x_t | x_&lt;t) per sequence (the quantity hard prefixes are chosen by). */
    public static double meanLogLoss(CoinPredictions predictions, CoinSequences sequences) {
        double total = 0;
        for (int i = 0; i < sequences.count(); i++) {
            for (int t = 0; t < sequences.length(); t++) {
                total -= predictions.logProb(i, t, sequences.tokens()[i][t]);
            }
        }
        return total / sequences.count();
    }
}
