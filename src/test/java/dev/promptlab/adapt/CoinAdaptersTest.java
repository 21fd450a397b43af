package dev.promptlab.adapt;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.promptlab.model.CoinModels;
import dev.promptlab.model.InputVectorModel;
import dev.promptlab.model.ModelInput;
import dev.promptlab.task.builtin.coins.CoinSequences;
import dev.promptlab.task.builtin.coins.SingleCoin;
import dev.promptlab.tensor.Rng;
import dev.promptlab.train.AdapterObjective;
import dev.promptlab.train.CoinBatches;
import dev.promptlab.train.SummedSequenceLoss;
import dev.promptlab.train.TrainConfig;
import dev.promptlab.train.Trainer;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The Bayesian prompting study's adapters on small coin networks: each method trains exactly
 * the parameters it should, and the prefix spaces agree with each other where they coincide.
 */
class CoinAdaptersTest {
    private static final int AFTER_BOS = 1;

    private static InputVectorModel transformer(NDManager m) {
        return CoinModels.init("transformer", 16, 2, 32, 64, m, new Rng(1));
    }

    private static InputVectorModel lstm(NDManager m) {
        return CoinModels.init("lstm", 16, 0, 0, 64, m, new Rng(2));
    }

    private static Map<String, float[]> snapshot(Map<String, NDArray> weights) {
        Map<String, float[]> s = new LinkedHashMap<>();
        weights.forEach((k, v) -> s.put(k, v.toFloatArray()));
        return s;
    }

    /** Names of the weights that differ between two snapshots. */
    private static Set<String> changed(Map<String, float[]> before, Map<String, NDArray> after) {
        Set<String> out = new java.util.TreeSet<>();
        before.forEach((k, v) -> {
            if (!java.util.Arrays.equals(v, after.get(k).toFloatArray())) {
                out.add(k);
            }
        });
        return out;
    }

    /** Trains {@code adapter} a few steps on coin(0.2); returns the model weights that changed. */
    private static Set<String> train(InputVectorModel model, Adapter adapter, NDManager m) {
        Map<String, float[]> before = snapshot(model.parameters());
        Map<String, float[]> adapterBefore = snapshot(adapter.parameters());
        new Trainer(new TrainConfig(3, 8, 0.01, 0, 0, 1.0, 0, 1, 0), adapter.parameters(),
                new SummedSequenceLoss(model, adapter, 1), new CoinBatches(new SingleCoin(0.2), 8, 1, 12, 3), m)
                .withSchedule(step -> 0.01).run();
        assertEquals(adapterBefore.keySet(), changed(adapterBefore, adapter.parameters()),
                adapter.method() + ": every trainable tensor must move");
        return changed(before, model.parameters());
    }

    @Test
    void prefixMethodsChangeNoWeight() {
        try (NDManager m = NDManager.newBaseManager()) {
            for (InputVectorModel model : new InputVectorModel[] {transformer(m), lstm(m)}) {
                for (InputPrefix.Space space : InputPrefix.Space.values()) {
                    try (InputPrefix p = InputPrefix.create(new InputPrefixConfig(6, space, AFTER_BOS), model, new Rng(4))) {
                        assertEquals(Set.of(), train(model, p, m), space + " on " + model);
                        assertEquals(6L * (space == InputPrefix.Space.EMBEDDING ? 16 : 2), p.trainableCount());
                    }
                }
            }
        }
    }

    @Test
    void weightMethodsChangeExactlyTheirWeights() {
        try (NDManager m = NDManager.newBaseManager()) {
            for (Function<NDManager, InputVectorModel> make : java.util.List.<Function<NDManager, InputVectorModel>>of(
                    CoinAdaptersTest::transformer, CoinAdaptersTest::lstm)) {
                InputVectorModel base = make.apply(m);
                Set<String> embedding = Set.of("embedding.weight", "embedding.bias");
                Set<String> unembedding = Set.of("unembedding.weight", "unembedding.bias");
                Map<WeightSubset.Part, Set<String>> expected = new LinkedHashMap<>();
                expected.put(WeightSubset.Part.ALL, base.parameters().keySet());
                expected.put(WeightSubset.Part.EMBEDDING, embedding);
                expected.put(WeightSubset.Part.UNEMBEDDING, unembedding);
                Set<String> both = new java.util.HashSet<>(embedding);
                both.addAll(unembedding);
                expected.put(WeightSubset.Part.EMBEDDING_AND_UNEMBEDDING, both);
                for (Map.Entry<WeightSubset.Part, Set<String>> e : expected.entrySet()) {
                    InputVectorModel copy = base.copy(m);
                    Map<String, float[]> original = snapshot(base.parameters());
                    assertEquals(new java.util.TreeSet<>(e.getValue()), train(copy, WeightSubset.of(copy, e.getKey()), m),
                            e.getKey() + " on " + base);
                    assertEquals(Set.of(), changed(original, base.parameters()), "the original stays untouched");
                    copy.close();
                }
            }
        }
    }

    @Test
    void loraTrainsOnlyItsMatricesStartsAsANoOpAndNeedsAttention() {
        try (NDManager m = NDManager.newBaseManager()) {
            InputVectorModel model = transformer(m);
            try (Lora lora = Lora.create(LoraConfig.attention(4), model, new Rng(5))) {
                assertEquals(Set.of("h.0.attn.q.weight", "h.0.attn.k.weight", "h.0.attn.v.weight", "h.0.attn.out.weight"),
                        lora.targets());
                assertEquals(4 * (16 * 4 + 4 * 16), lora.trainableCount());
                NDArray ids = new SingleCoin(0.2).sample(3, 10, new Rng(6)).inputIds(m);
                assertArrayEquals(AdapterObjective.logits(model, null, ids).toFloatArray(),
                        AdapterObjective.logits(model, lora, ids).toFloatArray(), 0f);
                assertEquals(Set.of(), train(model, lora, m));
                assertFalse(java.util.Arrays.equals(AdapterObjective.logits(model, null, ids).toFloatArray(),
                        AdapterObjective.logits(model, lora, ids).toFloatArray()), "trained LoRA must act");
            }
            assertThrows(IllegalArgumentException.class, () -> Lora.create(LoraConfig.attention(4), lstm(m), new Rng(5)));
        }
    }

    @Test
    void prefixSpacesAgreeWhereTheyCoincide() {
        try (NDManager m = NDManager.newBaseManager()) {
            for (InputVectorModel model : new InputVectorModel[] {transformer(m), lstm(m)}) {
                int[] tokens = {1, 0, 0, 1};
                NDArray ids = new SingleCoin(0.3).sample(5, 9, new Rng(7)).inputIds(m);
                float[] hard = AdapterObjective.logits(model, HardPrefix.of(tokens, AFTER_BOS), ids).toFloatArray();
                assertEquals(5 * 9 * 2, hard.length, "prefix positions are dropped");
                float[] oneHot = new float[8];
                float[] logits = new float[8];
                for (int j = 0; j < 4; j++) {
                    oneHot[2 * j + tokens[j]] = 1;
                    logits[2 * j + tokens[j]] = 40; // softmax: one-hot up to e^-40
                }
                NDArray real = m.create(oneHot, new Shape(1, 4, 2));
                try (InputPrefix r = InputPrefix.of(new InputPrefixConfig(4, InputPrefix.Space.REAL, AFTER_BOS), real.squeeze(0), model);
                        InputPrefix s = InputPrefix.of(new InputPrefixConfig(4, InputPrefix.Space.SIMPLEX, AFTER_BOS),
                                m.create(logits, new Shape(4, 2)), model);
                        InputPrefix e = InputPrefix.of(new InputPrefixConfig(4, InputPrefix.Space.EMBEDDING, AFTER_BOS),
                                model.embedInputs(real).squeeze(0), model)) {
                    assertArrayEquals(hard, AdapterObjective.logits(model, r, ids).toFloatArray(), 1e-5f);
                    assertArrayEquals(hard, AdapterObjective.logits(model, s, ids).toFloatArray(), 1e-5f);
                    assertArrayEquals(hard, AdapterObjective.logits(model, e, ids).toFloatArray(), 1e-5f);
                }
                // the prefix goes after BOS: the same tokens before BOS give other predictions
                float[] before = AdapterObjective.logits(model, HardPrefix.of(tokens, 0), ids).toFloatArray();
                assertFalse(java.util.Arrays.equals(hard, before));
            }
        }
    }

    @Test
    void eachBlockOfRowsGetsItsOwnPrompt() {
        try (NDManager m = NDManager.newBaseManager()) {
            InputVectorModel model = transformer(m);
            CoinSequences s = new SingleCoin(0.5).sample(3, 7, new Rng(8));
            NDArray ids = s.inputIds(m);
            NDArray twice = ai.djl.ndarray.NDArrays.concat(new ai.djl.ndarray.NDList(ids, ids), 0); // (2·3, 7)
            InputPrefixConfig config = new InputPrefixConfig(3, InputPrefix.Space.REAL, AFTER_BOS);
            Rng init = new Rng(9);
            try (InputPrefix first = InputPrefix.create(config, model, init);
                    InputPrefix second = InputPrefix.create(config, model, init)) {
                List<InputPrefix> both = List.of(first, second);
                float[] batched = AdapterObjective.logits(model, MultiPrompt.blocks(both, 3), twice).toFloatArray();
                int half = batched.length / 2;
                for (int k = 0; k < 2; k++) {
                    float[] alone = AdapterObjective.logits(model, both.get(k), ids).toFloatArray();
                    assertArrayEquals(alone, java.util.Arrays.copyOfRange(batched, k * half, (k + 1) * half), 1e-5f);
                }
                assertFalse(java.util.Arrays.equals(java.util.Arrays.copyOfRange(batched, 0, half),
                        java.util.Arrays.copyOfRange(batched, half, 2 * half)), "the two prompts differ");
                List<HardPrefix> hard = List.of(HardPrefix.of(new int[] {0, 1, 1}, AFTER_BOS),
                        HardPrefix.of(new int[] {1, 1, 0}, AFTER_BOS));
                float[] hardBatched = AdapterObjective.logits(model, MultiPrompt.blocks(hard, 3), twice).toFloatArray();
                assertArrayEquals(AdapterObjective.logits(model, hard.get(1), ids).toFloatArray(),
                        java.util.Arrays.copyOfRange(hardBatched, half, 2 * half), 1e-5f);
                assertThrows(IllegalArgumentException.class, () -> AdapterObjective.logits(model,
                        MultiPrompt.blocks(hard, 2), ids)); // 3 rows, but two blocks of 2 are assigned
            }
        }
    }
}
