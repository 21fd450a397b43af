package dev.promptlab.model.hf;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptlab.model.ModelConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Java log-probabilities of one architecture against its independent NumPy implementation
 * ({@code tools/<model_type>_reference.py}): the committed fixtures of two configurations, and
 * live runs on fresh random checkpoints of both when python3 with numpy is present (required when
 * {@code CI} is set). Prints the differences.
 */
public abstract class ReferenceMatchTest {
    /** The committed fixture's directory name under golden/. */
    protected abstract String fixture();

    /** The configuration of the committed fixture (also checked live with a fresh seed). */
    protected abstract ObjectNode config();

    /** A second configuration exercising the architecture's other options, checked live. */
    protected abstract ObjectNode variant();

    /** The committed fixture of {@link #variant()}'s configuration under golden/. */
    protected abstract String variantFixture();

    /** The architecture's weight names and shapes for a config. */
    protected abstract Function<ModelConfig, Map<String, Shape>> shapes();

    @Test
    void matchesCommittedGoldenLogProbs() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            report("golden " + fixture(), HfGolden.maxDiff(HfGolden.committed(fixture()), manager));
        }
    }

    @Test
    void matchesCommittedVariantGoldenLogProbs() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            report("golden " + variantFixture(), HfGolden.maxDiff(HfGolden.committed(variantFixture()), manager));
        }
    }

    @Test
    void matchesLiveNumpyReference(@TempDir Path tmp) throws Exception {
        live(tmp, config(), 99L, "live " + fixture());
    }

    @Test
    void matchesLiveNumpyReferenceOnVariant(@TempDir Path tmp) throws Exception {
        live(tmp, variant(), 100L, "live " + fixture() + " variant");
    }

    private void live(Path dir, ObjectNode config, long seed, String what) throws Exception {
        HfGolden.requireNumpy();
        try (NDManager manager = NDManager.newBaseManager()) {
            HfGolden.write(dir, config, shapes(), seed, manager);
            report(what, HfGolden.maxDiff(dir, manager));
        }
    }

    private static void report(String what, double diff) {
        System.out.printf("%s: max |log p_java - log p_numpy| = %.3g%n", what, diff);
        assertTrue(diff <= HfGolden.TOLERANCE, what + ": max abs difference " + diff + " exceeds " + HfGolden.TOLERANCE);
    }
}
