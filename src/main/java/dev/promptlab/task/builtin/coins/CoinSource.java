package dev.promptlab.task.builtin.coins;

import dev.promptlab.tensor.Rng;

/**
 * A distribution over binary sequences that first draws a coin and then flips it: every
 * sequence has one generating coin with bias {@code pZero} = P(x = 0), and its symbols are iid
 * given that coin. The three families of the Bayesian prompting study: {@link RandomCoins} (a
 * Beta prior over the bias, the pretraining distribution), {@link SingleCoin} and
 * {@link CoinMixture} (the targets).
 */
public sealed interface CoinSource permits RandomCoins, SingleCoin, CoinMixture {

    /** Draws the bias P(x = 0) of the coin that generates one sequence. */
    double drawCoin(Rng rng);

    /** A readable description, e.g. "coin(0.2)". */
    String describe();

    /**
     * {@code count} sequences of {@code length} symbols, each from its own draw of the coin; the
     * generating biases are kept, since regret is measured against them.
     */
    default CoinSequences sample(int count, int length, Rng rng) {
        if (count < 1 || length < 1) {
            throw new IllegalArgumentException("need at least one sequence of at least one symbol, got " + count
                    + " sequences of length " + length);
        }
        int[][] tokens = new int[count][length];
        double[] pZero = new double[count];
        for (int i = 0; i < count; i++) {
            double p = drawCoin(rng);
            pZero[i] = p;
            for (int t = 0; t < length; t++) {
                tokens[i][t] = rng.nextDouble() < p ? 0 : 1;
            }
        }
        return new CoinSequences(tokens, pZero);
    }

    /** Checks a bias is a probability. */
    static void requireProbability(String what, double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException(what + " must be a probability in [0, 1], got " + p);
        }
    }
}
