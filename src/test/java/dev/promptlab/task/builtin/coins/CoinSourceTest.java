package dev.promptlab.task.builtin.coins;

import ai.djl.ndarray.NDManager;
import dev.promptlab.tensor.Rng;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class CoinSourceTest {
    /** Fraction of zeros over all symbols. */
    private static double zeroFraction(CoinSequences s) {
        long zeros = 0;
        for (int[] row : s.tokens()) {
            for (int x : row) {
                zeros += x == 0 ? 1 : 0;
            }
        }
        return (double) zeros / ((long) s.count() * s.length());
    }

    @Test
    void singleCoinFlipsWithItsBias() {
        CoinSequences s = new SingleCoin(0.2).sample(400, 100, new Rng(1));
        // 40,000 flips: the standard error of the frequency is sqrt(0.2·0.8/40000) = 0.002
        assertEquals(0.2, zeroFraction(s), 4 * 0.002);
        for (double p : s.pZero()) {
            assertEquals(0.2, p);
        }
    }

    @Test
    void mixturePicksOneCoinPerSequence() {
        CoinSequences s = CoinMixture.even(0.2, 0.8).sample(2000, 50, new Rng(2));
        int low = 0;
        for (int i = 0; i < s.count(); i++) {
            assertTrue(s.pZero()[i] == 0.2 || s.pZero()[i] == 0.8, "bias " + s.pZero()[i]);
            low += s.pZero()[i] == 0.2 ? 1 : 0;
        }
        // half the sequences from each coin: standard error sqrt(2000·0.25) ≈ 22
        assertEquals(1000, low, 4 * 22.4);
        // each sequence follows its own coin: zero frequency of the 0.2-coin rows
        long zeros = 0;
        long n = 0;
        for (int i = 0; i < s.count(); i++) {
            if (s.pZero()[i] == 0.2) {
                for (int x : s.tokens()[i]) {
                    zeros += x == 0 ? 1 : 0;
                    n++;
                }
            }
        }
        assertEquals(0.2, (double) zeros / n, 4 * Math.sqrt(0.16 / n));
    }

    @Test
    void randomCoinsFollowTheBetaPrior() {
        for (double[] ab : new double[][] {{1, 1}, {2, 5}, {0.5, 0.5}}) {
            RandomCoins prior = new RandomCoins(ab[0], ab[1]);
            Rng rng = new Rng(3);
            int n = 20000;
            double sum = 0;
            double sumSq = 0;
            for (int i = 0; i < n; i++) {
                double p = prior.drawCoin(rng);
                assertTrue(p >= 0 && p <= 1);
                sum += p;
                sumSq += p * p;
            }
            double a = ab[0];
            double b = ab[1];
            double mean = a / (a + b);
            double var = a * b / ((a + b) * (a + b) * (a + b + 1));
            assertEquals(mean, sum / n, 4 * Math.sqrt(var / n), "mean of Beta" + java.util.Arrays.toString(ab));
            assertEquals(var, sumSq / n - (sum / n) * (sum / n), 0.1 * var, "variance of Beta" + java.util.Arrays.toString(ab));
        }
    }

    @Test
    void samplingIsDeterministicInTheSeed() {
        CoinSequences a = RandomCoins.uniform().sample(5, 20, new Rng(9));
        CoinSequences b = RandomCoins.uniform().sample(5, 20, new Rng(9));
        assertArrayEquals(a.pZero(), b.pZero());
        for (int i = 0; i < 5; i++) {
            assertArrayEquals(a.tokens()[i], b.tokens()[i]);
        }
    }

    @Test
    void networkInputsStartWithBosAndShiftByOne() {
        CoinSequences s = new CoinSequences(new int[][] {{1, 0, 1}, {0, 0, 1}}, new double[] {0.5, 0.5});
        try (NDManager m = NDManager.newBaseManager()) {
            assertArrayEquals(new long[] {2, 1, 0, 2, 0, 0}, s.inputIds(m).toLongArray());
            assertArrayEquals(new long[] {1, 0, 1, 0, 0, 1}, s.targetIds(m).toLongArray());
        }
        assertEquals(2, CoinSequences.BOS);
    }

    @Test
    void badParametersAreRejectedWithTheValue() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new SingleCoin(1.5)).getMessage().contains("1.5"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new RandomCoins(0, 1)).getMessage().contains("0.0"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> new CoinMixture(new double[] {0.5, 0.6}, new double[] {0.2, 0.8})).getMessage().contains("sum"));
        assertThrows(IllegalArgumentException.class, () -> new CoinSequences(new int[][] {{0, 2}}, new double[] {0.5}));
    }
}
