package dev.promptlab.analysis;

import dev.promptlab.eval.CoinPredictor;
import dev.promptlab.task.builtin.coins.CoinMixture;
import dev.promptlab.task.builtin.coins.CoinSource;
import dev.promptlab.task.builtin.coins.RandomCoins;
import dev.promptlab.task.builtin.coins.SingleCoin;

/**
 * The exact (closed-form) predictors of the Bayesian prompting study, each a
 * {@link CoinPredictor} evaluated by the same code as the networks:
 * <ul>
 *   <li>{@link #betaBernoulli}: the Beta prior's predictor, (c_i + α_i) / (n − 1 + α0 + α1);</li>
 *   <li>{@link #mixture}: a mixture of coins, posterior in log space;</li>
 *   <li>{@link #trueCoin}: the generating coin itself (the oracle of the regret);</li>
 *   <li>{@link #optimalFor}: the Bayes-optimal predictor of any {@link CoinSource} (TargetBayes
 *       for a target, PreBayes for the pretraining prior);</li>
 *   <li>{@link #withPrefix}: a predictor conditioned on a hard prefix (PreBayesPT).</li>
 * </ul>
 */
public final class Bayes {
    private Bayes() {}

    public static BetaBernoulli betaBernoulli(double alpha0, double alpha1) {
        return new BetaBernoulli(alpha0, alpha1);
    }

    public static CoinMixturePredictor mixture(double[] weights, double[] pZeros) {
        return new CoinMixturePredictor(weights, pZeros);
    }

    public static TrueCoin trueCoin() {
        return new TrueCoin();
    }

    /** The Bayes-optimal predictor of sequences from {@code source}. */
    public static CoinPredictor optimalFor(CoinSource source) {
        if (source instanceof RandomCoins r) {
            return betaBernoulli(r.alpha0(), r.alpha1());
        }
        if (source instanceof SingleCoin s) {
            return mixture(new double[] {1}, new double[] {s.pZero()});
        }
        CoinMixture m = (CoinMixture) source;
        return mixture(m.weights(), m.pZeros());
    }

    public static PrefixedPredictor withPrefix(CoinPredictor predictor, int[] prefix) {
        return new PrefixedPredictor(predictor, prefix);
    }
}
