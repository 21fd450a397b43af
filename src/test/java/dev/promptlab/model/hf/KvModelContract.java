package dev.promptlab.model.hf;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.promptlab.model.DecodingState;
import dev.promptlab.model.KeyValueCache;
import dev.promptlab.model.KvPrefix;
import dev.promptlab.model.LanguageModel;
import dev.promptlab.model.LowRank;
import dev.promptlab.model.ModelInput;
import dev.promptlab.model.ModelOutput;
import dev.promptlab.tensor.Rng;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.promptlab.model.hf.HfTestModels.maxAbsDiff;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@link LanguageModel#forward} contract every attention model of a Hugging Face family
 * owes, as tests a family's test class inherits: causality, incremental decoding with the cache
 * equal to a full forward, a key/value prefix that acts as HF's {@code past_key_values}, right
 * padding under the mask, LoRA by weight name, gradients reaching the input embeddings only, and
 * no temporaries left on the model's manager. A subclass supplies the model and says how its
 * cache turns into a prefix.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class KvModelContract {
    /** Two float32 computations of the same thing in a different order agree this closely. */
    protected static final float EXACT = 1e-5f;
    protected NDManager root;
    protected LanguageModel model;

    /** A tiny model, built in {@code root}, with weights large enough that every component moves the logits. */
    protected abstract LanguageModel build(NDManager root);

    /** Names of linear-layer weights (nn.Linear (out, in) layout) that {@link ModelInput#lowRank()} must reach. */
    protected abstract List<String> loraTargets();

    /** The keys and values of the given batch rows (e.g. "0:1") of a cache the model returned, as a prefix. */
    protected static KvPrefix prefixOf(DecodingState state, String rows) {
        KeyValueCache cache = (KeyValueCache) state;
        List<NDArray> keys = new ArrayList<>();
        List<NDArray> values = new ArrayList<>();
        for (int l = 0; l < cache.layers(); l++) {
            keys.add(cache.keys(l).get(rows)); // (B|1, KV, P, D)
            values.add(cache.values(l).get(rows)); // (B|1, KV, P, D)
        }
        return new KvPrefix(keys, values);
    }

    @BeforeAll
    void setUpModel() {
        root = NDManager.newBaseManager();
        model = build(root);
    }

    @AfterAll
    void tearDownModel() {
        model.close();
        root.close();
    }

    protected NDArray logits(ModelInput in) {
        return model.forward(in).logits();
    }

    /** Random token ids (B, T) in [0, V). */
    protected NDArray ids(NDManager m, Rng rng, int b, int t) {
        return HfTestModels.ids(m, rng, b, t, model.vocabSize());
    }

    /** A random prefix for every layer, (B, KV, P, D) each. */
    protected KvPrefix randomPrefix(NDManager m, Rng rng, int b, int p) {
        return HfTestModels.randomPrefix(model, m, rng, b, p);
    }

    @Test
    void laterTokensNeverChangeEarlierLogits() {
        try (NDManager m = root.newSubManager()) {
            NDArray ids = ids(m, new Rng(1), 2, 12); // (B, T)
            NDArray changed = ids.duplicate();
            changed.set(new NDIndex(":, 7:"), 3);
            NDArray a = logits(ModelInput.ofIds(ids)); // (B, T, V)
            NDArray b = logits(ModelInput.ofIds(changed)); // (B, T, V)
            assertTrue(maxAbsDiff(a.get(":, :7"), b.get(":, :7")) < EXACT, "earlier logits changed");
            assertTrue(maxAbsDiff(a.get(":, 7:"), b.get(":, 7:")) > 1e-2, "later logits should change");
        }
    }

    @Test
    void incrementalDecodingMatchesFullForward() {
        try (NDManager m = root.newSubManager()) {
            NDArray ids = ids(m, new Rng(2), 2, 14); // (B, T)
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
            float diff = maxAbsDiff(full, NDArrays.concat(new NDList(parts), 1)); // (B, T, V)
            assertTrue(diff < EXACT, "cached decoding differs by " + diff);
        }
    }

    @Test
    void embeddingsInputEqualsIdsInput() {
        try (NDManager m = root.newSubManager()) {
            NDArray ids = ids(m, new Rng(3), 3, 9); // (B, T)
            NDArray a = logits(ModelInput.ofIds(ids)); // (B, T, V)
            NDArray b = logits(ModelInput.ofEmbeddings(model.embed(ids))); // (B, T, V)
            assertEquals(0f, maxAbsDiff(a, b), 0f);
            ModelOutput h = model.forward(ModelInput.ofIds(ids).withHidden(true));
            assertEquals(new Shape(3, 9, model.hiddenSize()), h.hidden().getShape());
        }
    }

    /** The cache of real tokens, passed as a KvPrefix, acts as HF's past_key_values: positions continue after it. */
    @Test
    void kvPrefixBehavesLikePastKeyValues() {
        try (NDManager m = root.newSubManager()) {
            Rng rng = new Rng(4);
            NDArray first = ids(m, rng, 2, 4); // (B, P)
            NDArray rest = ids(m, rng, 2, 9); // (B, T)
            try (DecodingState cache = model.forward(ModelInput.ofIds(first).withCache(true)).state()) {
                KvPrefix prefix = prefixOf(cache, "0:2");
                NDArray viaPrefix = logits(ModelInput.ofIds(rest).withPrefix(prefix)); // (B, T, V)
                NDArray viaPast = logits(ModelInput.ofIds(rest).withPast(cache)); // (B, T, V)
                NDArray joint = logits(ModelInput.ofIds(first.concat(rest, 1))).get(":, 4:"); // (B, T, V)
                assertTrue(maxAbsDiff(viaPrefix, viaPast) < EXACT);
                assertTrue(maxAbsDiff(viaPrefix, joint) < EXACT, "prefix differs from the full forward by "
                        + maxAbsDiff(viaPrefix, joint));

                // A prefix forward with a cache, continued: the same as one prefix forward over everything.
                ModelOutput head = model.forward(ModelInput.ofIds(rest.get(":, :5")).withPrefix(prefix).withCache(true));
                assertEquals(4 + 5, head.state().length());
                NDArray tail = logits(ModelInput.ofIds(rest.get(":, 5:")).withPrefix(prefix).withPast(head.state()));
                assertTrue(maxAbsDiff(head.logits().concat(tail, 1), viaPrefix) < EXACT);
                head.state().close();

                // A (1, KV, P, D) prefix broadcasts over the batch.
                NDArray row0 = logits(ModelInput.ofIds(rest).withPrefix(prefixOf(cache, "0:1"))).get("0:1");
                assertTrue(maxAbsDiff(row0, viaPrefix.get("0:1")) < EXACT);
            }
        }
    }

    @Test
    void rightPaddingUnderTheMaskLeavesRealTokensAlone() {
        try (NDManager m = root.newSubManager()) {
            Rng rng = new Rng(6);
            NDArray a = ids(m, rng, 1, 8); // (1, 8)
            NDArray b = ids(m, rng, 1, 5); // (1, 5)
            NDArray batch = a.concat(b.concat(m.create(new long[] {7, 7, 7}, new Shape(1, 3)), 1), 0); // (2, 8)
            NDArray mask = m.create(new long[] {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0}, new Shape(2, 8));
            NDArray out = logits(ModelInput.ofIds(batch).withAttentionMask(mask)); // (2, 8, V)
            assertTrue(maxAbsDiff(out.get("0:1"), logits(ModelInput.ofIds(a))) < EXACT);
            assertTrue(maxAbsDiff(out.get("1:2, :5"), logits(ModelInput.ofIds(b))) < EXACT);
            // A hole in the mask changes later logits, not earlier ones.
            NDArray holed = mask.duplicate();
            holed.set(new NDIndex("0, 2"), 0);
            NDArray changed = logits(ModelInput.ofIds(batch).withAttentionMask(holed));
            assertTrue(maxAbsDiff(changed.get("0:1, 3:"), out.get("0:1, 3:")) > 1e-3);
            assertTrue(maxAbsDiff(changed.get("0:1, :2"), out.get("0:1, :2")) < EXACT);
        }
    }

    @Test
    void zeroLowRankIsANoOpAndANonZeroOneIsNot() {
        try (NDManager m = root.newSubManager()) {
            Rng rng = new Rng(7);
            NDArray ids = ids(m, rng, 2, 7); // (B, T)
            NDArray plain = logits(ModelInput.ofIds(ids)); // (B, T, V)
            for (String name : loraTargets()) {
                Shape w = model.parameters().get(name).getShape(); // (out, in)
                NDArray a = m.create(rng.gaussians((int) w.get(1) * 2, 0.5), new Shape(w.get(1), 2)); // (in, r)
                NDArray zero = m.zeros(new Shape(2, w.get(0))); // (r, out)
                NDArray same = logits(ModelInput.ofIds(ids).withLowRank(Map.of(name, new LowRank(a, zero, 2f))));
                assertEquals(0f, maxAbsDiff(same, plain), EXACT, name + ": a zero LoRA must be a no-op");
                NDArray up = m.create(rng.gaussians((int) w.get(0) * 2, 0.5), new Shape(2, w.get(0))); // (r, out)
                NDArray moved = logits(ModelInput.ofIds(ids).withLowRank(Map.of(name, new LowRank(a, up, 2f))));
                assertTrue(maxAbsDiff(moved, plain) > 1e-2, name + ": a non-zero LoRA must change the logits");
            }
        }
    }

    @Test
    void gradientReachesInputEmbeddingsOnly() {
        try (NDManager m = root.newSubManager()) {
            NDArray emb = model.embed(ids(m, new Rng(9), 2, 6)).duplicate(); // (B, T, C) leaf
            emb.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray lp = model.forward(ModelInput.ofEmbeddings(emb)).logits().logSoftmax(-1); // (B, T, V)
                gc.backward(lp.get(":, :, 3").sum().neg());
            }
            NDArray g = emb.getGradient(); // (B, T, C)
            assertTrue(g.abs().sum().getFloat() > 0f, "no gradient reached the input embeddings");
            assertFalse(Float.isNaN(g.sum().getFloat()), "NaN gradient");
            for (var e : model.parameters().entrySet()) {
                assertFalse(e.getValue().hasGradient(), e.getKey() + " should be frozen");
            }
        }
    }

    @Test
    void forwardLeavesNothingOnTheModelManager() {
        int before = model.manager().getManagedArrays().size();
        try (NDManager m = root.newSubManager()) {
            Rng rng = new Rng(10);
            NDArray ids = ids(m, rng, 2, 5);
            KvPrefix prefix = randomPrefix(m, rng, 1, 2); // (1, H, P, D): broadcast over the batch
            NDArray mask = m.ones(new Shape(2, 7));
            String target = loraTargets().get(0);
            Shape w = model.parameters().get(target).getShape();
            LowRank lora = new LowRank(m.ones(new Shape(w.get(1), 1)), m.ones(new Shape(1, w.get(0))), 0.1f);
            ModelOutput out = model.forward(ModelInput.ofIds(ids).withPrefix(prefix).withAttentionMask(mask)
                    .withCache(true).withHidden(true).withLowRank(Map.of(target, lora)));
            model.forward(ModelInput.ofIds(ids.get(":, :1")).withPast(out.state())).logits();
            out.state().close();
        }
        assertEquals(before, model.manager().getManagedArrays().size());
    }

    /** A prefix lives as long as its adapter: a forward must not leave views of it on the adapter's manager. */
    @Test
    void forwardLeavesNothingOnThePrefixManager() {
        try (NDManager adapter = root.newSubManager(); NDManager m = root.newSubManager()) {
            KvPrefix prefix = randomPrefix(adapter, new Rng(12), 1, 2); // (1, KV, P, D) per layer: broadcast
            int before = adapter.getManagedArrays().size();
            ModelOutput out = model.forward(ModelInput.ofIds(ids(m, new Rng(13), 2, 5)).withPrefix(prefix)
                    .withCache(true));
            out.state().close();
            assertEquals(before, adapter.getManagedArrays().size());
        }
    }
}
