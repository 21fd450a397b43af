package dev.promptlab.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Java GPT-2 log-probabilities against the independent NumPy implementation (tools/gpt2_reference.py). */
class GoldenTest {
    private static final double TOLERANCE = 1e-4;
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void matchesCommittedGoldenLogProbs() throws Exception {
        Path dir = Path.of(GoldenTest.class.getResource("/golden/gpt2-tiny/inputs.json").toURI()).getParent();
        try (NDManager manager = NDManager.newBaseManager();
                LanguageModel model = Models.load(dir.resolve(GoldenFixtures.MODEL), manager)) {
            double diff = maxDiff(model, dir.resolve(GoldenFixtures.INPUTS), dir.resolve(GoldenFixtures.LOG_PROBS));
            System.out.printf("golden gpt2-tiny: max |log p_java - log p_numpy| = %.3g%n", diff);
            assertTrue(diff < TOLERANCE, "max abs difference " + diff + " exceeds " + TOLERANCE);
        }
    }

    @Test
    void matchesLiveNumpyReference(@TempDir Path tmp) throws Exception {
        assumeTrue(pythonWithNumpy(), "python3 with numpy is not on the PATH: live reference check skipped");
        try (NDManager manager = NDManager.newBaseManager()) {
            GoldenFixtures.write(tmp, manager, 99L);
            try (LanguageModel model = Models.load(tmp.resolve(GoldenFixtures.MODEL), manager)) {
                double diff = maxDiff(model, tmp.resolve(GoldenFixtures.INPUTS), tmp.resolve(GoldenFixtures.LOG_PROBS));
                System.out.printf("live numpy reference: max |log p_java - log p_numpy| = %.3g%n", diff);
                assertTrue(diff < TOLERANCE, "max abs difference " + diff + " exceeds " + TOLERANCE);
            }
        }
    }

    private static boolean pythonWithNumpy() {
        try {
            Process p = new ProcessBuilder("python3", "-c", "import numpy").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor() == 0;
        } catch (Exception e) {
            return false;
        }
    }

    /** Forwards each sequence alone and compares log-softmax with the reference file. */
    static double maxDiff(LanguageModel model, Path inputs, Path logProbs) throws Exception {
        JsonNode seqs = JSON.readTree(inputs.toFile()).get("sequences");
        JsonNode ref = JSON.readTree(logProbs.toFile()).get("log_probs");
        assertEquals(seqs.size(), ref.size());
        int v = model.vocabSize();
        double max = 0;
        for (int s = 0; s < seqs.size(); s++) {
            JsonNode seq = seqs.get(s);
            long[] ids = new long[seq.size()];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = seq.get(i).asLong();
            }
            try (NDManager step = model.manager().newSubManager()) {
                NDArray idArray = step.create(ids, new Shape(1, ids.length)); // (1, T)
                float[] lp = model.forward(ModelInput.ofIds(idArray)).logits().logSoftmax(-1).toFloatArray(); // (1, T, V)
                JsonNode r = ref.get(s);
                assertEquals(ids.length, r.size());
                for (int t = 0; t < ids.length; t++) {
                    for (int k = 0; k < v; k++) {
                        max = Math.max(max, Math.abs(lp[t * v + k] - r.get(t).get(k).asDouble()));
                    }
                }
            }
        }
        return max;
    }
}
