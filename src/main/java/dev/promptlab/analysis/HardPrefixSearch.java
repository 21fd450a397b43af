package dev.promptlab.analysis;

import dev.promptlab.eval.CoinPredictor;
import dev.promptlab.eval.Regret;
import dev.promptlab.task.builtin.coins.CoinSequences;

import java.util.function.Function;

/**
 * Exhaustive search over all 2^L binary prefixes of length L: each is scored by the mean
 * cumulative log loss it gives on the scoring sequences (the same for every prefix), and the
 * lowest wins (ties: the first in counting order). HardPT for networks, PreBayesPT for the exact
 * predictor.
 */
public final class HardPrefixSearch {
    /** Longest prefix searched: 2^16 candidates. */
    public static final int MAX_LENGTH = 16;

    private HardPrefixSearch() {}

    /**
     * The outcome.
     *
     * @param best the winning prefix
     * @param bestLoss its mean cumulative log loss
     * @param losses the loss of every prefix, indexed by {@link #prefixOf}'s numbering
     */
    public record Result(int[] best, double bestLoss, double[] losses) {}

    /** Prefix number {@code index} of length {@code length}: bit L−1−j of the index is symbol j. */
    public static int[] prefixOf(int index, int length) {
        int[] p = new int[length];
        for (int j = 0; j < length; j++) {
            p[j] = (index >> (length - 1 - j)) & 1;
        }
        return p;
    }

    /** Scores all 2^length prefixes; {@code withPrefix} makes the predictor conditioned on one. */
    public static Result search(int length, Function<int[], CoinPredictor> withPrefix, CoinSequences scoring) {
        if (length < 1 || length > MAX_LENGTH) {
            throw new IllegalArgumentException("hard prefix length must be in [1, " + MAX_LENGTH + "] for an exhaustive"
                    + " search, got " + length);
        }
        int candidates = 1 << length;
        double[] losses = new double[candidates];
        int best = 0;
        for (int i = 0; i < candidates; i++) {
            CoinPredictor predictor = withPrefix.apply(prefixOf(i, length));
            losses[i] = Regret.meanLogLoss(predictor.predict(scoring), scoring);
            if (losses[i] < losses[best]) {
                best = i;
            }
        }
        return new Result(prefixOf(best, length), losses[best], losses);
    }
}
