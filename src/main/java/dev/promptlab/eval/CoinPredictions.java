package dev.promptlab.eval;

/**
 * A sequential predictor's distributions over the next symbol of binary sequences: for sequence i
 * and position t, log π(x_t = 0 | x_&lt;t) and log π(x_t = 1 | x_&lt;t). Both are kept (not one
 * probability) so that confident predictions keep their precision.
 *
 * @param logZero (count, length) log-probabilities of symbol 0
 * @param logOne (count, length) log-probabilities of symbol 1
 */
public record CoinPredictions(double[][] logZero, double[][] logOne) {
    public CoinPredictions {
        if (logZero.length != logOne.length) {
            throw new IllegalArgumentException("logZero has " + logZero.length + " rows, logOne " + logOne.length);
        }
    }

    /** log π(x_t = symbol | x_&lt;t) for sequence i. */
    public double logProb(int i, int t, int symbol) {
        return symbol == 0 ? logZero[i][t] : logOne[i][t];
    }

    public int count() {
        return logZero.length;
    }
}
