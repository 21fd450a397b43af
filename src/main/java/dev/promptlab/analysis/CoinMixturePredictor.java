package dev.promptlab.analysis;

import dev.promptlab.eval.CoinPredictions;
import dev.promptlab.eval.CoinPredictor;
import dev.promptlab.task.builtin.coins.CoinSequences;

/**
 * The Bayes-optimal predictor for a mixture of coins with weights m_j and biases τ_j = P(x = 0):
 * the posterior w_j ∝ m_j ∏_k p_j(x_k), kept in log space so that long sequences do not
 * underflow, and the prediction Σ_j w_j p_j(x_n), a log-sum-exp. One coin gives the true coin's
 * probabilities (zero regret on its own sequences).
 */
public final class CoinMixturePredictor implements CoinPredictor {
    private final double[] logWeights;
    private final double[] logP0;
    private final double[] logP1;

    /** @param weights mixing weights (summing to 1); @param pZeros each coin's P(x = 0) */
    public CoinMixturePredictor(double[] weights, double[] pZeros) {
        if (weights.length == 0 || weights.length != pZeros.length) {
            throw new IllegalArgumentException("need one weight per coin, got " + weights.length + " weights and "
                    + pZeros.length + " coins");
        }
        int k = weights.length;
        logWeights = new double[k];
        logP0 = new double[k];
        logP1 = new double[k];
        for (int j = 0; j < k; j++) {
            logWeights[j] = Math.log(weights[j]);
            logP0[j] = Math.log(pZeros[j]);
            logP1[j] = Math.log1p(-pZeros[j]);
        }
    }

    @Override
    public CoinPredictions predict(CoinSequences sequences) {
        int n = sequences.length();
        int k = logWeights.length;
        double[][] logZero = new double[sequences.count()][n];
        double[][] logOne = new double[sequences.count()][n];
        double[] logPost = new double[k];
        double[] terms = new double[k];
        for (int i = 0; i < sequences.count(); i++) {
            int[] x = sequences.tokens()[i];
            System.arraycopy(logWeights, 0, logPost, 0, k); // unnormalised log posterior
            for (int t = 0; t < n; t++) {
                double norm = logSumExp(logPost, k);
                for (int j = 0; j < k; j++) {
                    terms[j] = logPost[j] + logP0[j];
                }
                logZero[i][t] = logSumExp(terms, k) - norm;
                for (int j = 0; j < k; j++) {
                    terms[j] = logPost[j] + logP1[j];
                }
                logOne[i][t] = logSumExp(terms, k) - norm;
                for (int j = 0; j < k; j++) {
                    logPost[j] += x[t] == 0 ? logP0[j] : logP1[j];
                }
            }
        }
        return new CoinPredictions(logZero, logOne);
    }

    static double logSumExp(double[] v, int k) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < k; j++) {
            max = Math.max(max, v[j]);
        }
        if (max == Double.NEGATIVE_INFINITY) {
            return max;
        }
        double s = 0;
        for (int j = 0; j < k; j++) {
            s += Math.exp(v[j] - max);
        }
        return max + Math.log(s);
    }
}
