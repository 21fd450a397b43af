package dev.promptlab.model;

import ai.djl.ndarray.NDManager;
import dev.promptlab.model.hf.HfGolden;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Java GPT-2 log-probabilities against the independent NumPy implementation (tools/gpt2_reference.py). */
class GoldenTest {
    private static final double TOLERANCE = 1e-4;

    @Test
    void matchesCommittedGoldenLogProbs() throws Exception {
        Path dir = HfGolden.committed("gpt2-tiny");
        try (NDManager manager = NDManager.newBaseManager()) {
            double diff = HfGolden.maxDiff(dir, manager);
            System.out.printf("golden gpt2-tiny: max |log p_java - log p_numpy| = %.3g%n", diff);
            assertTrue(diff < TOLERANCE, "max abs difference " + diff + " exceeds " + TOLERANCE);
        }
    }

    @Test
    void matchesLiveNumpyReference(@TempDir Path tmp) throws Exception {
        HfGolden.requireNumpy();
        try (NDManager manager = NDManager.newBaseManager()) {
            GoldenFixtures.write(tmp, manager, 99L);
            double diff = HfGolden.maxDiff(tmp, manager);
            System.out.printf("live numpy reference: max |log p_java - log p_numpy| = %.3g%n", diff);
            assertTrue(diff < TOLERANCE, "max abs difference " + diff + " exceeds " + TOLERANCE);
        }
    }

}
