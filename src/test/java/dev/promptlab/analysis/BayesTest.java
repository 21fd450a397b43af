package dev.promptlab.analysis;

import dev.promptlab.eval.CoinPredictions;
import dev.promptlab.eval.CoinPredictor;
import dev.promptlab.eval.Regret;
import dev.promptlab.task.builtin.coins.CoinMixture;
import dev.promptlab.task.builtin.coins.CoinSequences;
import dev.promptlab.task.builtin.coins.RandomCoins;
import dev.promptlab.task.builtin.coins.SingleCoin;
import dev.promptlab.tensor.Rng;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class BayesTest {
    private static final SingleCoin COIN = new SingleCoin(0.2);

    private static double lnBinomial(int n, int k) {
        return lnFactorial(n) - lnFactorial(k) - lnFactorial(n - k);
    }

    private static double lnFactorial(int n) {
        double s = 0;
        for (int i = 2; i <= n; i++) {
            s += Math.log(i);
        }
        return s;
    }

    /**
     * The expected cumulative regret of {@code predictor} at n on coin(tau), exactly: a
     * Beta-Bernoulli predictor's regret depends only on the counts, so one sequence per count
     * (its zeros first), run through the shared regret code and weighted by its binomial
     * probability, is the exact expectation.
     */
    private static double expectedRegret(CoinPredictor predictor, double tau, int n) {
        int[][] tokens = new int[n + 1][n];
        double[] taus = new double[n + 1];
        for (int zeros = 0; zeros <= n; zeros++) {
            for (int t = 0; t < n; t++) {
                tokens[zeros][t] = t < zeros ? 0 : 1;
            }
            taus[zeros] = tau;
        }
        double[][] regret = Regret.perSequence(predictor, new CoinSequences(tokens, taus));
        double expected = 0;
        for (int zeros = 0; zeros <= n; zeros++) {
            double logP = lnBinomial(n, zeros) + zeros * Math.log(tau) + (n - zeros) * Math.log1p(-tau);
            expected += Math.exp(logP) * regret[zeros][n - 1];
        }
        return expected;
    }

    @Test
    void preBayesOnTheSingleCoinHasTheReferenceRegret() {
        CoinPredictor preBayes = Bayes.optimalFor(RandomCoins.uniform());
        assertEquals(1.477, expectedRegret(preBayes, 0.2, 50), 5e-4);
        assertEquals(1.812, expectedRegret(preBayes, 0.2, 100), 5e-4);
        assertEquals(2.152, expectedRegret(preBayes, 0.2, 200), 5e-4);
    }

    @Test
    void sampledPreBayesRegretAgreesWithTheExactValueWithinSamplingError() {
        CoinSequences s = COIN.sample(4000, 200, new Rng(11));
        double[][] r = Regret.perSequence(Bayes.betaBernoulli(1, 1), s);
        double mean = 0;
        double sq = 0;
        for (double[] row : r) {
            mean += row[199];
            sq += row[199] * row[199];
        }
        mean /= r.length;
        double se = Math.sqrt((sq / r.length - mean * mean) / r.length);
        assertEquals(2.1525, mean, 4 * se, "standard error " + se);
        assertArrayEquals(Regret.mean(r), Regret.meanCumulative(Bayes.betaBernoulli(1, 1), s), 1e-12);
    }

    @Test
    void targetBayesHasZeroRegretOnTheSingleCoin() {
        CoinSequences s = COIN.sample(300, 200, new Rng(12));
        for (CoinPredictor p : new CoinPredictor[] {Bayes.optimalFor(COIN), Bayes.trueCoin()}) {
            double[] r = Regret.meanCumulative(p, s);
            for (double v : r) {
                assertEquals(0, v, 1e-9);
            }
        }
    }

    @Test
    void targetBayesOnTheTwoCoinMixtureStaysBelowLn2() {
        CoinMixture mixture = CoinMixture.even(0.2, 0.8);
        CoinSequences s = mixture.sample(500, 200, new Rng(13));
        double[][] r = Regret.perSequence(Bayes.optimalFor(mixture), s);
        for (double[] row : r) {
            for (double v : row) {
                // −log(½p₁ + ½p₂) ≤ −log(½ p_true): at most ln 2 on every sequence, at every n
                assertTrue(v <= Math.log(2) + 1e-9, "regret " + v);
            }
        }
        double[] mean = Regret.mean(r);
        assertTrue(mean[199] > 0.3 && mean[199] < Math.log(2), "mean regret " + mean[199]);
        // while the pretraining Bayes predictor pays for its broad prior
        assertTrue(Regret.meanCumulative(Bayes.betaBernoulli(1, 1), s)[199] > 1.5);
    }

    @Test
    void betaBernoulliLogLossIsTheNegativeLogMarginalLikelihood() {
        CoinSequences s = new RandomCoins(2, 3).sample(20, 60, new Rng(14));
        CoinPredictions p = Bayes.betaBernoulli(2, 3).predict(s);
        for (int i = 0; i < s.count(); i++) {
            int zeros = 0;
            double loss = 0;
            for (int t = 0; t < 60; t++) {
                zeros += s.tokens()[i][t] == 0 ? 1 : 0;
                loss -= p.logProb(i, t, s.tokens()[i][t]);
                assertEquals(1, Math.exp(p.logZero()[i][t]) + Math.exp(p.logOne()[i][t]), 1e-12);
            }
            // m(x) = B(a0 + c0, a1 + c1) / B(a0, a1)
            double logM = logBeta(2 + zeros, 3 + 60 - zeros) - logBeta(2, 3);
            assertEquals(-logM, loss, 1e-9);
        }
    }

    /** ln B(a, b) for positive integers: ln((a−1)! (b−1)! / (a+b−1)!). */
    private static double logBeta(int a, int b) {
        return lnFactorial(a - 1) + lnFactorial(b - 1) - lnFactorial(a + b - 1);
    }

    @Test
    void conditioningOnAPrefixIsThePosteriorPredictor() {
        CoinSequences s = COIN.sample(10, 30, new Rng(15));
        int[] prefix = {0, 0, 1, 0, 1, 1, 0};
        CoinPredictions viaPrefix = Bayes.withPrefix(Bayes.betaBernoulli(1, 1), prefix).predict(s);
        CoinPredictions posterior = Bayes.betaBernoulli(1, 1).after(prefix).predict(s);
        assertEquals(new BetaBernoulli(5, 4), Bayes.betaBernoulli(1, 1).after(prefix));
        for (int i = 0; i < s.count(); i++) {
            assertArrayEquals(posterior.logZero()[i], viaPrefix.logZero()[i], 1e-12);
            assertArrayEquals(posterior.logOne()[i], viaPrefix.logOne()[i], 1e-12);
        }
    }

    @Test
    void mixturePosteriorStaysFiniteOnLongSequences() {
        CoinMixture mixture = new CoinMixture(new double[] {0.3, 0.7}, new double[] {0.01, 0.99});
        CoinSequences s = mixture.sample(4, 20000, new Rng(16));
        CoinPredictions p = Bayes.optimalFor(mixture).predict(s);
        for (int i = 0; i < 4; i++) {
            for (int t = 0; t < 20000; t++) {
                assertTrue(Double.isFinite(p.logZero()[i][t]) && Double.isFinite(p.logOne()[i][t]));
            }
        }
        // after many symbols the posterior is sure of the coin: prediction = the true coin
        assertEquals(Math.log(s.pZero()[0]), p.logZero()[0][19999], 1e-9);
    }
}
