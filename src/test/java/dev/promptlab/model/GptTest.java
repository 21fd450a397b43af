package dev.promptlab.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.engine.Engine;
import dev.promptlab.tensor.Rng;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static dev.promptlab.model.TinyModels.maxAbsDiff;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GptTest {
    private static final float EXACT = 1e-5f;
    private static NDManager root;
    private static Gpt model;

    @BeforeAll
    static void setUp() {
        root = NDManager.newBaseManager();
        model = TinyModels.gpt(root, 1234L);
    }

    @AfterAll
    static void tearDown() {
        model.close();
        root.close();
    }

    private static NDArray logits(ModelInput in) {
        return model.forward(in).logits();
    }

    @Test
    void laterTokensNeverChangeEarlierLogits() {
        try (NDManager m = root.newSubManager()) {
            NDArray ids = TinyModels.ids(m, new Rng(1), 2, 12, 50); // (B, T)
            NDArray changed = ids.duplicate();
            changed.set(new NDIndex(":, 7:"), 3); // tokens 7.. replaced
            NDArray a = logits(ModelInput.ofIds(ids)); // (B, T, V)
            NDArray b = logits(ModelInput.ofIds(changed)); // (B, T, V)
            assertTrue(maxAbsDiff(a.get(":, :7"), b.get(":, :7")) < EXACT, "earlier logits changed");
            assertTrue(maxAbsDiff(a.get(":, 7:"), b.get(":, 7:")) > 1e-2, "later logits should change");
        }
    }

    @Test
    void incrementalDecodingMatchesFullForward() {
        try (NDManager m = root.newSubManager()) {
            NDArray ids = TinyModels.ids(m, new Rng(2), 2, 14, 50); // (B, T)
            NDArray full = logits(ModelInput.ofIds(ids)); // (B, T, V)
            List<NDArray> parts = new ArrayList<>();
            DecodingState state = null;
            int[] cuts = {0, 5, 6, 7, 11, 14}; // a prompt chunk, single tokens, then a multi-token chunk
            for (int i = 0; i + 1 < cuts.length; i++) {
                NDArray chunk = ids.get(":, " + cuts[i] + ":" + cuts[i + 1]); // (B, t)
                ModelOutput out = model.forward(ModelInput.ofIds(chunk).withPast(state).withCache(true));
                if (state != null) {
                    state.close();
                }
                state = out.state();
                assertEquals(cuts[i + 1], state.length());
                parts.add(out.logits());
            }
            state.close();
            NDArray stitched = NDArrays.concat(new NDList(parts), 1); // (B, T, V)
            float diff = maxAbsDiff(full, stitched);
            assertTrue(diff < EXACT, "cached decoding differs by " + diff);
        }
    }

    @Test
    void embeddingsInputEqualsIdsInput() {
        try (NDManager m = root.newSubManager()) {
            NDArray ids = TinyModels.ids(m, new Rng(3), 3, 9, 50); // (B, T)
            NDArray a = logits(ModelInput.ofIds(ids)); // (B, T, V)
            NDArray b = logits(ModelInput.ofEmbeddings(model.embed(ids))); // (B, T, V)
            assertEquals(0f, maxAbsDiff(a, b), 0f);
            ModelOutput h = model.forward(ModelInput.ofIds(ids).withHidden(true));
            assertEquals(new Shape(3, 9, 16), h.hidden().getShape());
        }
    }

    @Test
    void kvPrefixEqualsCacheOfRealTokensAndContinues() {
        try (NDManager m = root.newSubManager()) {
            Rng rng = new Rng(4);
            NDArray first = TinyModels.ids(m, rng, 2, 4, 50); // (B, P)
            NDArray rest = TinyModels.ids(m, rng, 2, 9, 50); // (B, T)
            // Keys/values of 4 real tokens used as a prefix: same as continuing from their cache.
            try (KeyValueCache cache = (KeyValueCache) model.forward(ModelInput.ofIds(first).withCache(true)).state()) {
                List<NDArray> keys = new ArrayList<>();
                List<NDArray> values = new ArrayList<>();
                for (int l = 0; l < cache.layers(); l++) {
                    keys.add(cache.keys(l));
                    values.add(cache.values(l));
                }
                KvPrefix prefix = new KvPrefix(keys, values);
                NDArray viaPrefix = logits(ModelInput.ofIds(rest).withPrefix(prefix)); // (B, T, V)
                NDArray viaPast = logits(ModelInput.ofIds(rest).withPast(cache)); // (B, T, V)
                NDArray joint = logits(ModelInput.ofIds(first.concat(rest, 1))).get(":, 4:"); // (B, T, V)
                assertTrue(maxAbsDiff(viaPrefix, viaPast) < EXACT);
                assertTrue(maxAbsDiff(viaPrefix, joint) < EXACT);

                // Prefix forward over the first part + cached continuation = prefix forward over all.
                ModelOutput head = model.forward(ModelInput.ofIds(rest.get(":, :5")).withPrefix(prefix).withCache(true));
                assertEquals(4 + 5, head.state().length());
                NDArray tail = logits(ModelInput.ofIds(rest.get(":, 5:")).withPrefix(prefix).withPast(head.state()));
                NDArray stitched = head.logits().concat(tail, 1); // (B, T, V)
                assertTrue(maxAbsDiff(stitched, viaPrefix) < EXACT);
                head.state().close();

                // A (1, H, P, D) prefix broadcasts over the batch.
                List<NDArray> k1 = new ArrayList<>();
                List<NDArray> v1 = new ArrayList<>();
                for (int l = 0; l < cache.layers(); l++) {
                    k1.add(cache.keys(l).get("0:1"));
                    v1.add(cache.values(l).get("0:1"));
                }
                NDArray row0 = logits(ModelInput.ofIds(rest).withPrefix(new KvPrefix(k1, v1))).get("0:1");
                assertTrue(maxAbsDiff(row0, viaPrefix.get("0:1")) < EXACT);
            }
        }
    }

    @Test
    void prefixShiftsPositions() {
        try (NDManager m = root.newSubManager()) {
            Rng rng = new Rng(5);
            int b = 2;
            int p = 3;
            NDArray ids = TinyModels.ids(m, rng, b, 6, 50); // (B, T)
            KvPrefix prefix = randomPrefix(m, rng, b, p);
            // Hide every prefix position: what remains is the plain model at positions P..P+T-1.
            NDArray mask = m.zeros(new Shape(b, p)).concat(m.ones(new Shape(b, 6)), 1); // (B, P + T)
            NDArray hidden = logits(ModelInput.ofIds(ids).withPrefix(prefix).withAttentionMask(mask));
            // The same positions reached through a cache of P dummy tokens that the mask hides.
            try (DecodingState dummy = model.forward(ModelInput.ofIds(TinyModels.ids(m, rng, b, p, 50))
                    .withCache(true)).state()) {
                NDArray shifted = logits(ModelInput.ofIds(ids).withPast(dummy).withAttentionMask(mask));
                assertTrue(maxAbsDiff(hidden, shifted) < EXACT);
            }
            NDArray unshifted = logits(ModelInput.ofIds(ids));
            assertTrue(maxAbsDiff(hidden, unshifted) > 1e-2, "positions should start at P");
            // With the prefix visible the result differs again.
            NDArray visible = logits(ModelInput.ofIds(ids).withPrefix(prefix));
            assertTrue(maxAbsDiff(hidden, visible) > 1e-2, "masking a prefix position must change the result");
        }
    }

    @Test
    void rightPaddedBatchMatchesEachSequenceAlone() {
        try (NDManager m = root.newSubManager()) {
            Rng rng = new Rng(6);
            NDArray a = TinyModels.ids(m, rng, 1, 8, 50); // (1, 8)
            NDArray b = TinyModels.ids(m, rng, 1, 5, 50); // (1, 5)
            NDArray batch = a.concat(b.concat(m.create(new long[] {7, 7, 7}, new Shape(1, 3)), 1), 0); // (2, 8), row 1 right-padded
            NDArray mask = m.create(new long[] {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0}, new Shape(2, 8));
            NDArray out = logits(ModelInput.ofIds(batch).withAttentionMask(mask)); // (2, 8, V)
            assertTrue(maxAbsDiff(out.get("0:1"), logits(ModelInput.ofIds(a))) < EXACT);
            assertTrue(maxAbsDiff(out.get("1:2, :5"), logits(ModelInput.ofIds(b))) < EXACT);
            // A mask hiding an earlier real position changes later logits.
            NDArray holed = mask.duplicate();
            holed.set(new NDIndex("0, 2"), 0);
            NDArray changed = logits(ModelInput.ofIds(batch).withAttentionMask(holed));
            assertTrue(maxAbsDiff(changed.get("0:1, 3:"), out.get("0:1, 3:")) > 1e-3);
            assertTrue(maxAbsDiff(changed.get("0:1, :2"), out.get("0:1, :2")) < EXACT);
        }
    }

    @Test
    void gradientReachesInputEmbeddingsOnly() {
        try (NDManager m = root.newSubManager()) {
            NDArray ids = TinyModels.ids(m, new Rng(7), 2, 6, 50); // (B, T)
            NDArray emb = model.embed(ids).duplicate(); // (B, T, C) leaf
            emb.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray lp = model.forward(ModelInput.ofEmbeddings(emb)).logits().logSoftmax(-1); // (B, T, V)
                gc.backward(lp.get(":, :, 3").sum().neg());
            }
            NDArray g = emb.getGradient();
            assertTrue(g.abs().sum().getFloat() > 0f, "no gradient reached the input embeddings");
            for (var e : model.parameters().entrySet()) {
                assertFalse(e.getValue().hasGradient(), e.getKey() + " should be frozen");
            }
        }
    }

    @Test
    void forwardLeavesNothingOnTheModelManager() {
        int before = model.manager().getManagedArrays().size();
        try (NDManager m = root.newSubManager()) {
            Rng rng = new Rng(8);
            NDArray ids = TinyModels.ids(m, rng, 2, 5, 50);
            KvPrefix prefix = randomPrefix(m, rng, 2, 2);
            NDArray mask = m.ones(new Shape(2, 7));
            ModelOutput out = model.forward(ModelInput.ofIds(ids).withPrefix(prefix).withAttentionMask(mask)
                    .withCache(true).withHidden(true));
            model.forward(ModelInput.ofIds(ids.get(":, :1")).withPast(out.state())).logits();
            out.state().close();
        }
        assertEquals(before, model.manager().getManagedArrays().size());
    }

    @Test
    void positionsBeyondContextFailClearly() {
        try (NDManager m = root.newSubManager()) {
            Rng rng = new Rng(9);
            NDArray ids = TinyModels.ids(m, rng, 1, 30, 50);
            KvPrefix prefix = randomPrefix(m, rng, 1, 3);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> model.forward(ModelInput.ofIds(ids).withPrefix(prefix)));
            assertTrue(e.getMessage().contains("n_positions 32") && e.getMessage().contains("prefix 3"), e.getMessage());
            assertNotNull(model.forward(ModelInput.ofIds(TinyModels.ids(m, rng, 1, 32, 50))).logits());
            NDArray bad = m.create(new long[] {1, 50}, new Shape(1, 2));
            e = assertThrows(IllegalArgumentException.class, () -> model.forward(ModelInput.ofIds(bad)));
            assertTrue(e.getMessage().contains("50"), e.getMessage());
            NDArray mask = m.ones(new Shape(1, 5));
            e = assertThrows(IllegalArgumentException.class,
                    () -> model.forward(ModelInput.ofIds(ids.get(":, :3")).withAttentionMask(mask)));
            assertTrue(e.getMessage().contains("attention mask"), e.getMessage());
        }
    }

    @Test
    void initFollowsGpt2() {
        try (Gpt fresh = Gpt.init(TinyModels.gptConfig(), root, new Rng(1));
                Gpt again = Gpt.init(TinyModels.gptConfig(), root, new Rng(1))) {
            var p = fresh.parameters();
            assertEquals(0f, p.get("h.0.attn.c_attn.bias").abs().sum().getFloat());
            assertEquals(16f, p.get("ln_f.weight").sum().getFloat(), 1e-6);
            float std = (float) Math.sqrt(p.get("wte.weight").square().mean().getFloat());
            assertEquals(0.02f, std, 0.003f);
            float resid = (float) Math.sqrt(p.get("h.1.mlp.c_proj.weight").square().mean().getFloat());
            assertEquals(0.02f / 2f, resid, 0.0015f); // 0.02 / sqrt(2 L), L = 2
            assertEquals(0f, maxAbsDiff(p.get("wpe.weight"), again.parameters().get("wpe.weight")));
            assertEquals(Gpt.expectedShapes(TinyModels.gptConfig()).size(), p.size());
            long count = 50 * 16 + 32 * 16 + 2 * (4 * 16 + 16 * 48 + 48 + 16 * 16 + 16 + 16 * 64 + 64 + 64 * 16 + 16) + 32;
            assertEquals(count, fresh.parameterCount());
        }
    }

    static KvPrefix randomPrefix(NDManager m, Rng rng, int b, int p) {
        List<NDArray> keys = new ArrayList<>();
        List<NDArray> values = new ArrayList<>();
        Shape s = new Shape(b, 2, p, 8); // (B, H, P, D)
        for (int l = 0; l < 2; l++) {
            keys.add(m.create(rng.gaussians((int) s.size(), 1.0), s));
            values.add(m.create(rng.gaussians((int) s.size(), 1.0), s));
        }
        return new KvPrefix(keys, values);
    }
}
