package dev.promptlab.analysis;

import dev.promptlab.eval.CoinPredictions;
import dev.promptlab.eval.CoinPredictor;
import dev.promptlab.task.builtin.coins.CoinSequences;

/**
 * The oracle: predicts each sequence with the coin that generated it (its regret is zero by
 * definition, the reference point of every regret).
 */
public final class TrueCoin implements CoinPredictor {
    @Override
    public CoinPredictions predict(CoinSequences sequences) {
        int n = sequences.length();
        double[][] logZero = new double[sequences.count()][n];
        double[][] logOne = new double[sequences.count()][n];
        for (int i = 0; i < sequences.count(); i++) {
            java.util.Arrays.fill(logZero[i], Math.log(sequences.pZero()[i]));
            java.util.Arrays.fill(logOne[i], Math.log1p(-sequences.pZero()[i]));
        }
        return new CoinPredictions(logZero, logOne);
    }
}
