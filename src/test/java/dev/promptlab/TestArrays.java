package dev.promptlab;

import ai.djl.ndarray.NDArray;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Comparisons of trained tensors shared by tests. */
public final class TestArrays {
    private TestArrays() {}

    /** max |e − a| ≤ tolerance · max |e|, tensor by tensor (tolerance 0: bitwise equal values). */
    public static void assertMaxRelativeDifference(Map<String, NDArray> expected, Map<String, NDArray> actual,
            double tolerance, String what) {
        assertEquals(expected.keySet(), actual.keySet(), what);
        for (String name : expected.keySet()) {
            float[] e = expected.get(name).toFloatArray();
            float[] a = actual.get(name).toFloatArray();
            assertEquals(e.length, a.length, what + " " + name);
            double scale = 0;
            double worst = 0;
            for (int i = 0; i < e.length; i++) {
                scale = Math.max(scale, Math.abs(e[i]));
                worst = Math.max(worst, Math.abs(e[i] - a[i]));
            }
            assertTrue(worst <= tolerance * scale, what + " " + name + ": max difference " + worst + " of max " + scale);
        }
    }
}
