package dev.promptlab.task;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class TaskKindTest {
    private static List<Example> examples(String... outputs) {
        List<Example> l = new ArrayList<>();
        for (String o : outputs) {
            l.add(new Example("x", o));
        }
        return l;
    }

    @Test
    void autoTakesRepeatedOutputsAsLabelsAndFreeTextAsGeneration() {
        assertEquals(List.of("yes", "no"), TaskKind.resolveLabels(null, null, examples("yes", "no", "no", "yes")));
        assertEquals(List.of(), TaskKind.resolveLabels(null, null, examples("a b", "c d", "e f", "g h")));
        assertEquals(List.of("b", "a"), TaskKind.resolveLabels(List.of("b", "a"), null, examples("a", "b")));
        assertEquals(List.of(), TaskKind.resolveLabels(null, TaskKind.GENERATION, examples("y", "n", "y", "n")));
    }

    @Test
    void labelsMustCoverTheOutputs() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Task("t", examples("yes", "maybe"), Template.DEFAULT, List.of("yes", "no")));
        assertTrue(e.getMessage().contains("maybe"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> TaskKind.resolveLabels(null, TaskKind.CLASSIFICATION, examples("same", "same")));
    }
}
