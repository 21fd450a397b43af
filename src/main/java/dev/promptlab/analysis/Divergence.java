package dev.promptlab.analysis;

import dev.promptlab.eval.CoinPredictions;

/** How far apart two sequential binary predictors are on the same sequences. */
public final class Divergence {
    private Divergence() {}

    /**
     * Mean over sequences and positions of KL(p ‖ q) in nats between the two predictive
     * distributions: the extra log loss per symbol of predicting with q when p is right.
     */
    public static double meanKl(CoinPredictions p, CoinPredictions q) {
        if (p.count() != q.count()) {
            throw new IllegalArgumentException(p.count() + " vs " + q.count() + " sequences");
        }
        double sum = 0;
        long n = 0;
        for (int i = 0; i < p.count(); i++) {
            for (int t = 0; t < p.logZero()[i].length; t++) {
                double p0 = p.logZero()[i][t];
                double p1 = p.logOne()[i][t];
                sum += Math.exp(p0) * (p0 - q.logZero()[i][t]) + Math.exp(p1) * (p1 - q.logOne()[i][t]);
                n++;
            }
        }
        return sum / n;
    }
}
