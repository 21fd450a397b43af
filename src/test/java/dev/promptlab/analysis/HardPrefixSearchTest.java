package dev.promptlab.analysis;

import ai.djl.ndarray.NDManager;
import dev.promptlab.adapt.HardPrefix;
import dev.promptlab.eval.CoinPredictor;
import dev.promptlab.eval.NetworkPredictor;
import dev.promptlab.eval.Regret;
import dev.promptlab.model.CoinModels;
import dev.promptlab.model.InputVectorModel;
import dev.promptlab.task.builtin.coins.CoinMixture;
import dev.promptlab.task.builtin.coins.CoinSequences;
import dev.promptlab.task.builtin.coins.SingleCoin;
import dev.promptlab.tensor.Rng;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.*;

class HardPrefixSearchTest {
    @Test
    void prefixesAreNumberedOneToOne() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 1 << 5; i++) {
            int[] p = HardPrefixSearch.prefixOf(i, 5);
            assertEquals(5, p.length);
            seen.add(java.util.Arrays.toString(p));
        }
        assertEquals(32, seen.size());
        assertArrayEquals(new int[] {0, 1, 1}, HardPrefixSearch.prefixOf(3, 3));
    }

    /** The winner's loss, recomputed independently, is at most every other prefix's. */
    private static void assertExhaustive(int length, Function<int[], CoinPredictor> withPrefix, CoinSequences scoring) {
        HardPrefixSearch.Result r = HardPrefixSearch.search(length, withPrefix, scoring);
        assertEquals(1 << length, r.losses().length);
        double best = Regret.meanLogLoss(withPrefix.apply(r.best()).predict(scoring), scoring);
        assertEquals(r.bestLoss(), best, 1e-9);
        for (int i = 0; i < 1 << length; i++) {
            int[] other = HardPrefixSearch.prefixOf(i, length);
            double loss = Regret.meanLogLoss(withPrefix.apply(other).predict(scoring), scoring);
            assertTrue(best <= loss + 1e-9, "prefix " + java.util.Arrays.toString(other) + " has loss " + loss
                    + " below the chosen " + java.util.Arrays.toString(r.best()) + "'s " + best);
        }
    }

    @Test
    void hardPtIsExhaustiveOnANetwork() {
        try (NDManager m = NDManager.newBaseManager()) {
            InputVectorModel model = CoinModels.init("transformer", 16, 2, 32, 64, m, new Rng(4));
            CoinSequences scoring = CoinMixture.even(0.2, 0.8).sample(24, 20, new Rng(5));
            assertExhaustive(4, p -> new NetworkPredictor(model, HardPrefix.of(p, 1), 16), scoring);
        }
    }

    @Test
    void preBayesPtFindsTheMostZeroHeavyPrefixForCoinPointTwo() {
        CoinSequences scoring = new SingleCoin(0.2).sample(200, 50, new Rng(6));
        Function<int[], CoinPredictor> conditioned = p -> Bayes.withPrefix(Bayes.betaBernoulli(1, 1), p);
        assertExhaustive(6, conditioned, scoring);
        // for the Beta-Bernoulli only the counts matter; P(0) = 0.2 is best approached by few zeros among six:
        // the posterior mean (1 + zeros) / 8 is closest to 0.2 with zeros = 1 (0.25) or 0 (0.125)
        int[] best = HardPrefixSearch.search(6, conditioned, scoring).best();
        int zeros = 0;
        for (int x : best) {
            zeros += x == 0 ? 1 : 0;
        }
        assertTrue(zeros <= 1, "best prefix " + java.util.Arrays.toString(best));
    }
}
