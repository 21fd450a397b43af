package dev.promptlab.model.hf.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptlab.model.LanguageModel;
import dev.promptlab.model.ModelInput;
import dev.promptlab.model.Models;
import dev.promptlab.model.hf.HfGolden;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Java llama-family log-probabilities against the independent NumPy implementation
 * (tools/llama_reference.py): the committed fixtures (llama, qwen2, and the variants: rope_scaling
 * llama3 and linear, an explicit head_dim, a small rope_theta), and a live run on fresh
 * checkpoints of the variants (python3 with numpy; required when {@code CI} is set).
 */
class LlamaGoldenTest {
    private static final double TOLERANCE = 1e-4;

    @Test
    void llamaTinyMatchesCommittedLogProbs() throws Exception {
        checkFixture("llama-tiny", "llama");
    }

    @Test
    void qwen2TinyMatchesCommittedLogProbs() throws Exception {
        checkFixture("qwen2-tiny", "qwen2");
    }

    @Test
    void llama3RopeScalingMatchesCommittedLogProbs() throws Exception {
        checkFixture("llama3-rope-scaling", "llama");
    }

    @Test
    void mistralHeadDimAndLinearScalingMatchCommittedLogProbs() throws Exception {
        checkFixture("mistral-head-dim", "mistral");
    }

    @Test
    void qwen2RopeThetaMatchesCommittedLogProbs() throws Exception {
        checkFixture("qwen2-rope-theta", "qwen2");
    }

    private static void checkFixture(String name, String modelType) throws Exception {
        Path dir = Path.of(LlamaGoldenTest.class.getResource("/golden/" + name + "/inputs.json").toURI()).getParent();
        try (NDManager manager = NDManager.newBaseManager();
                LanguageModel model = Models.load(dir.resolve(LlamaFixtures.MODEL), manager)) {
            assertEquals(modelType, assertInstanceOf(Llama.class, model).modelType());
            double diff = maxDiff(model, dir);
            System.out.printf("golden %s: max |log p_java - log p_numpy| = %.3g%n", name, diff);
            assertTrue(diff <= TOLERANCE, "max abs difference " + diff + " exceeds " + TOLERANCE);
        }
    }

    @Test
    void matchesLiveNumpyReference(@TempDir Path tmp) throws Exception {
        HfGolden.requireNumpy();
        ObjectNode llama3 = LlamaTiny.llama3ScaledJson();
        ObjectNode mistral = LlamaTiny.mistralHeadDimJson();
        ObjectNode qwen2 = LlamaTiny.qwen2ThetaJson();
        int[] lengths = {13, 1, 24};
        try (NDManager manager = NDManager.newBaseManager()) {
            long seed = 99;
            for (ObjectNode config : new ObjectNode[] {llama3, mistral, qwen2}) {
                Path dir = tmp.resolve(config.get("model_type").asText());
                LlamaFixtures.write(dir, config, manager, seed++, lengths);
                try (LanguageModel model = Models.load(dir.resolve(LlamaFixtures.MODEL), manager)) {
                    double diff = maxDiff(model, dir);
                    System.out.printf("live numpy reference (%s, rope_scaling %s): max |log p_java - log p_numpy| = %.3g%n",
                            config.get("model_type").asText(), config.get("rope_scaling"), diff);
                    assertTrue(diff <= TOLERANCE, "max abs difference " + diff + " exceeds " + TOLERANCE);
                }
            }
        }
    }

    /**
     * The largest difference to the reference over every position and token: each sequence is
     * forwarded alone, then all of them together as one right-padded batch with an attention mask.
     */
    static double maxDiff(LanguageModel model, Path dir) throws Exception {
        JsonNode seqs = LlamaTiny.JSON.readTree(dir.resolve(LlamaFixtures.INPUTS).toFile()).get("sequences");
        JsonNode ref = LlamaTiny.JSON.readTree(dir.resolve(LlamaFixtures.LOG_PROBS).toFile()).get("log_probs");
        assertEquals(seqs.size(), ref.size());
        int n = seqs.size();
        int longest = 0;
        for (JsonNode s : seqs) {
            longest = Math.max(longest, s.size());
        }
        long[] batch = new long[n * longest];
        long[] mask = new long[n * longest];
        for (int s = 0; s < n; s++) {
            for (int i = 0; i < seqs.get(s).size(); i++) {
                batch[s * longest + i] = seqs.get(s).get(i).asLong();
                mask[s * longest + i] = 1;
            }
        }
        int v = model.vocabSize();
        double max = 0;
        try (NDManager step = model.manager().newSubManager()) {
            NDArray ids = step.create(batch, new Shape(n, longest)); // (B, T), right-padded with id 0
            NDArray padded = model.forward(ModelInput.ofIds(ids).withAttentionMask(step.create(mask, new Shape(n, longest))))
                    .logits().logSoftmax(-1); // (B, T, V)
            for (int s = 0; s < n; s++) {
                int len = seqs.get(s).size();
                float[] alone = model.forward(ModelInput.ofIds(ids.get(s + ":" + (s + 1) + ", :" + len)))
                        .logits().logSoftmax(-1).toFloatArray(); // (1, len, V)
                float[] inBatch = padded.get(s + ", :" + len).toFloatArray(); // (len, V)
                assertEquals(len, ref.get(s).size());
                for (int t = 0; t < len; t++) {
                    for (int k = 0; k < v; k++) {
                        double r = ref.get(s).get(t).get(k).asDouble();
                        max = Math.max(max, Math.max(Math.abs(alone[t * v + k] - r), Math.abs(inBatch[t * v + k] - r)));
                    }
                }
            }
        }
        return max;
    }
}
