package dev.promptlab.eval;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class MetricsTest {
    @Test
    void accuracyMacroF1AndExactMatch() {
        List<String> pred = List.of("a", "a", "b", "b");
        List<String> ref = List.of("a", "b", "b", "b");
        assertEquals(0.75, Metrics.accuracy(pred, ref), 1e-12);
        // F1(a) = 2*1/(2+1+0) = 2/3, F1(b) = 2*2/(4+0+1) = 4/5
        assertEquals((2.0 / 3 + 0.8) / 2, Metrics.macroF1(pred, ref, List.of("a", "b")), 1e-12);
        assertEquals(0.5, Metrics.exactMatch(List.of(" The  Cat", "dog"), List.of("the cat", "cat")), 1e-12);
    }
}
