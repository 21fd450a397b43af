package dev.promptlab.tensor;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.*;

class RngTest {
    @Test
    void restoringTheStateContinuesTheSameStream() {
        Rng a = new Rng(42);
        a.nextLong();
        long saved = a.state();
        long[] expected = {a.nextLong(), a.nextLong(), a.nextInt(10)};
        Rng b = new Rng(0).restore(saved);
        assertArrayEquals(expected, new long[] {b.nextLong(), b.nextLong(), b.nextInt(10)});
    }

    @Test
    void permutationIsAPermutationAndSeedDependent() {
        int[] p = new Rng(1).permutation(100);
        int[] sorted = p.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < 100; i++) {
            assertEquals(i, sorted[i]);
        }
        assertFalse(Arrays.equals(p, new Rng(2).permutation(100)));
        assertArrayEquals(p, new Rng(1).permutation(100));
    }

    @Test
    void gaussiansHaveTheRequestedMoments() {
        float[] g = new Rng(3).gaussians(200_000, 2.0);
        double mean = 0;
        for (float v : g) {
            mean += v;
        }
        mean /= g.length;
        double var = 0;
        for (float v : g) {
            var += (v - mean) * (v - mean);
        }
        var /= g.length;
        assertEquals(0, mean, 0.02);
        assertEquals(4.0, var, 0.05);
    }
}
