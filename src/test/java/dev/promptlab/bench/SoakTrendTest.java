package dev.promptlab.bench;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SoakTrendTest {
    private static final long MIB = 1 << 20;

    @Test
    void aSteadyLeakShowsAsItsGrowthAndNoiseAroundAFlatLineDoesNot() {
        List<SoakBench.Sample> leak = new ArrayList<>();
        List<SoakBench.Sample> flat = new ArrayList<>();
        for (int i = 0; i <= 18; i++) {
            int done = 2000 + 1000 * i;
            leak.add(new SoakBench.Sample("train", done, 600 * MIB + i * MIB)); // +1 MiB per 1000 steps
            flat.add(new SoakBench.Sample("train", done, 600 * MIB + (i % 2 == 0 ? 8 : -8) * MIB)); // ±8 MiB jitter
        }
        assertEquals(18.0 / 600, SoakBench.trendGrowth(leak, 600 * MIB), 1e-9, "18 MiB over 18,000 steps on 600 MiB");
        double noise = SoakBench.trendGrowth(flat, 600 * MIB);
        assertTrue(Math.abs(noise) < 0.002, "alternating jitter has (almost) no trend, got " + noise);
    }

    @Test
    void unknownMemoryOrTooFewSamplesGiveNaN() {
        assertTrue(Double.isNaN(SoakBench.trendGrowth(List.of(new SoakBench.Sample("train", 1, 5)), 5)));
        assertTrue(Double.isNaN(SoakBench.trendGrowth(List.of(new SoakBench.Sample("train", 1, -1),
                new SoakBench.Sample("train", 2, -1)), -1)));
    }

    @Test
    void heapExpansionIsToldApartFromGrowthOutsideTheHeap() {
        // resident 600 -> 630 MiB while the committed heap grew 100 -> 130 MiB: all of it heap
        SoakBench.Phase heapOnly = new SoakBench.Phase("train", 20000, 600 * MIB, 630 * MIB, 630 * MIB, 0.05, 100 * MIB,
                130 * MIB);
        assertEquals(0.05, heapOnly.growth(), 1e-12);
        assertEquals(0.0, heapOnly.outsideHeapGrowth(), 1e-12);
        // resident 600 -> 630 MiB with the heap unchanged: all of it outside the heap
        SoakBench.Phase nativeGrowth = new SoakBench.Phase("train", 20000, 600 * MIB, 630 * MIB, 630 * MIB, 0.05,
                100 * MIB, 100 * MIB);
        assertEquals(0.05, nativeGrowth.outsideHeapGrowth(), 1e-12);
        assertTrue(Double.isNaN(new SoakBench.Phase("train", 10, 600 * MIB, 630 * MIB, 630 * MIB, 0.05, -1, -1)
                .outsideHeapGrowth()), "unknown heap: no figure");
    }
}
