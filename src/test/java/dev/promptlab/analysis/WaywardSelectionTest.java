package dev.promptlab.analysis;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** γ selection on hand-made tables: the paper's rule, the fallback, the baseline and gap, and ties. */
class WaywardSelectionTest {

    private static void add(List<WaywardRun> table, String target, int length, double gamma, double[] accuracy,
            double[] f1) {
        for (int seed = 0; seed < accuracy.length; seed++) {
            table.add(new WaywardRun(target, length, gamma, seed, accuracy[seed], f1[seed]));
        }
    }

    @Test
    void takesTheMostAccurateGammaWhoseMeanF1PassesAndComparesWithTheBestPlainPromptOfItsLength() {
        List<WaywardRun> table = new ArrayList<>();
        add(table, "t1", 4, 0, new double[] {0.90, 0.92, 0.94}, new double[] {0.1, 0.2, 0.3});
        add(table, "t1", 4, 1e-3, new double[] {0.90, 0.90, 0.90}, new double[] {0.99, 0.97, 1.0});
        add(table, "t1", 4, 0.01, new double[] {0.85, 0.85, 0.85}, new double[] {1, 1, 1});
        add(table, "t2", 4, 0, new double[] {0.95}, new double[] {0.0});
        add(table, "t3", 7, 0, new double[] {0.99}, new double[] {0.0});

        List<WaywardChoice> choices = WaywardSelection.select(table);
        assertEquals(List.of("t1", "t2", "t3"), choices.stream().map(WaywardChoice::target).toList());
        WaywardChoice t1 = choices.get(0);
        // γ=0 is the most accurate (0.92) but its F1 is 0.2; γ=1e-3 (0.90, F1 0.98667) is next and passes
        assertEquals(1e-3, t1.selected().gamma());
        assertEquals(3, t1.selected().seeds());
        assertEquals(0.90, t1.selected().meanAccuracy(), 1e-12);
        assertEquals((0.99 + 0.97 + 1.0) / 3, t1.selected().meanF1(), 1e-12);
        assertTrue(t1.meetsF1Threshold());
        // the best γ=0 prompt of length 4 is t2's (0.95), not t1's own (0.92); t3 has another length
        assertEquals(0.95, t1.bestPlainAccuracy(), 1e-12);
        assertEquals(0.05, t1.gap(), 1e-12);
        assertEquals(0.99, choices.get(2).bestPlainAccuracy(), 1e-12);
    }

    @Test
    void whenNoGammaPassesTheMostAccurateIsTaken() {
        List<WaywardRun> table = new ArrayList<>();
        add(table, "t", 7, 0, new double[] {0.8, 0.8}, new double[] {0.5, 0.5});
        // mean F1 exactly 0.98: the threshold is strict
        add(table, "t", 7, 0.03, new double[] {0.7, 0.7}, new double[] {0.97, 0.99});
        WaywardChoice c = WaywardSelection.select(table).get(0);
        assertFalse(c.meetsF1Threshold());
        assertEquals(0.0, c.selected().gamma());
        assertEquals(0.8, c.selected().meanAccuracy(), 1e-12);
        assertEquals(0.0, c.gap(), 1e-12);
        // a lower threshold lets γ=0.03 through
        WaywardChoice lenient = WaywardSelection.select(table, 0.9).get(0);
        assertTrue(lenient.meetsF1Threshold());
        assertEquals(0.03, lenient.selected().gamma());
        assertEquals(0.1, lenient.gap(), 1e-12);
    }

    @Test
    void tiesInAccuracyGoToTheHigherF1ThenToTheSmallerGamma() {
        List<WaywardRun> table = new ArrayList<>();
        // (0.1 + 0.2) / 2 is 0.15000000000000002 in doubles, (0.15 + 0.15) / 2 is 0.15: still a tie
        add(table, "t", 14, 1e-4, new double[] {0.1, 0.2}, new double[] {0.99, 0.99});
        add(table, "t", 14, 3e-3, new double[] {0.15, 0.15}, new double[] {0.995, 0.995});
        add(table, "t", 14, 5e-4, new double[] {0.15, 0.15}, new double[] {0.995, 0.995});
        add(table, "t", 14, 0.03, new double[] {0.05, 0.05}, new double[] {1, 1});
        List<GammaMeans> ranked = WaywardSelection.ranked(table);
        assertEquals(List.of(5e-4, 3e-3, 1e-4, 0.03), ranked.stream().map(GammaMeans::gamma).toList());
        WaywardChoice c = WaywardSelection.select(table).get(0);
        assertEquals(5e-4, c.selected().gamma());
        // no γ=0 run of length 14: no baseline, no gap
        assertFalse(c.hasBaseline());
        assertTrue(Double.isNaN(c.gap()));
    }

    @Test
    void fallbackAmongTiedAccuraciesAlsoPrefersTheHigherF1() {
        List<WaywardRun> table = new ArrayList<>();
        add(table, "t", 4, 0, new double[] {0.6}, new double[] {0.3});
        add(table, "t", 4, 1e-4, new double[] {0.6}, new double[] {0.5});
        WaywardChoice c = WaywardSelection.select(table).get(0);
        assertFalse(c.meetsF1Threshold());
        assertEquals(1e-4, c.selected().gamma());
    }

    @Test
    void badTablesAreRefusedWithTheirValues() {
        List<WaywardRun> twice = new ArrayList<>();
        add(twice, "t", 4, 0.01, new double[] {0.5}, new double[] {0.5});
        add(twice, "t", 4, 0.01, new double[] {0.6}, new double[] {0.6});
        assertTrue(assertThrows(IllegalArgumentException.class, () -> WaywardSelection.select(twice)).getMessage()
                .contains("seed 0 is given twice"));
        List<WaywardRun> lengths = new ArrayList<>();
        add(lengths, "t", 4, 0, new double[] {0.5}, new double[] {0.5});
        add(lengths, "t", 5, 0.01, new double[] {0.5}, new double[] {0.5});
        assertTrue(assertThrows(IllegalArgumentException.class, () -> WaywardSelection.select(lengths)).getMessage()
                .contains("prompt lengths 4 and 5"));
        assertThrows(IllegalArgumentException.class, () -> WaywardSelection.select(List.of()));
        assertThrows(IllegalArgumentException.class, () -> WaywardSelection.select(twice, 1.0));
        assertThrows(IllegalArgumentException.class, () -> new WaywardRun("t", 4, -1e-4, 0, 0.5, 0.5));
        assertThrows(IllegalArgumentException.class, () -> new WaywardRun("t", 4, 0, 0, 1.2, 0.5));
        assertThrows(IllegalArgumentException.class, () -> new WaywardRun("t", 4, 0, 0, 0.5, Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> new WaywardRun("t", 0, 0, 0, 0.5, 0.5));
    }
}
