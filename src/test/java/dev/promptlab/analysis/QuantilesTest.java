package dev.promptlab.analysis;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class QuantilesTest {
    @Test
    void interpolatesBetweenRanksLikeNumpy() {
        double[] v = {3, 1, 4, 1, 5, 9, 2, 6, 5, 3};
        // numpy.quantile(v, [0.25, 0.5, 0.75]) = [2.25, 3.5, 5.0]
        assertEquals(2.25, Quantiles.of(v, 0.25), 1e-12);
        assertEquals(3.5, Quantiles.median(v), 1e-12);
        assertEquals(5.0, Quantiles.of(v, 0.75), 1e-12);
        assertEquals(7.0, Quantiles.median(new double[] {7}), 0);
        assertArrayEquals(new double[] {2, 20}, Quantiles.ofColumns(new double[][] {{1, 10}, {3, 30}, {2, 20}}, 0.5));
    }
}
