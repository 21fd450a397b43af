package dev.promptlab.model.hf;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.promptlab.model.KeyValueCache;
import dev.promptlab.model.Architecture;
import dev.promptlab.model.Architectures;
import dev.promptlab.model.DecodingState;
import dev.promptlab.model.KvPrefix;
import dev.promptlab.model.LanguageModel;
import dev.promptlab.model.LowRank;
import dev.promptlab.model.ModelConfig;
import dev.promptlab.model.ModelInput;
import dev.promptlab.model.ModelOutput;
import dev.promptlab.model.Models;
import dev.promptlab.tensor.Rng;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.promptlab.model.hf.HfTestModels.maxAbsDiff;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@link LanguageModel} contract every Hugging Face decoder keeps (the same as {@code Gpt}'s):
 * cached decoding, key/value prefixes continuing positions like HF past_key_values, padding,
 * LoRA additions, save/load, frozen weights, and no temporaries left on the model's manager.
 * Each architecture runs it through a subclass that builds a tiny random model.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class DecoderContractTest {
    protected static final float EXACT = 1e-5f;
    protected NDManager root;
    protected LanguageModel model;

    /** The tiny model under test, built in {@code root}. */
    protected abstract LanguageModel build(NDManager root);

    /** Weight names of two linear layers LoRA may modify (an attention and an MLP projection). */
    protected abstract List<String> loraTargets();

    @BeforeAll
    void setUp() {
        root = NDManager.newBaseManager();
        model = build(root);
    }

    @AfterAll
    void tearDown() {
        model.close();
        root.close();
    }

    protected NDArray logits(ModelInput in) {
        return model.forward(in).logits();
    }

    protected NDArray ids(NDManager m, Rng rng, int b, int t) {
        return HfTestModels.ids(m, rng, b, t, model.vocabSize());
    }

    @Test
    void laterTokensNeverChangeEarlierLogits() {
        try (NDManager m = root.newSubManager()) {
            NDArray ids = ids(m, new Rng(1), 2, 12); // (B, T)
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
            float diff = maxAbsDiff(full, NDArrays.concat(new NDList(parts), 1));
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
            assertEquals(new Shape(model.vocabSize(), model.hiddenSize()), model.inputEmbeddings().getShape());
            ModelOutput h = model.forward(ModelInput.ofIds(ids).withHidden(true));
            assertEquals(new Shape(3, 9, model.hiddenSize()), h.hidden().getShape());
        }
    }

    @Test
    void kvPrefixEqualsCacheOfRealTokensAndContinues() {
        try (NDManager m = root.newSubManager()) {
            Rng rng = new Rng(4);
            NDArray first = ids(m, rng, 2, 4); // (B, P)
            NDArray rest = ids(m, rng, 2, 9); // (B, T)
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
                assertTrue(maxAbsDiff(viaPrefix, joint) < EXACT, "prefix positions must come first");

                // Prefix forward over the first part + cached continuation = prefix forward over all.
                ModelOutput head = model.forward(ModelInput.ofIds(rest.get(":, :5")).withPrefix(prefix).withCache(true));
                assertEquals(4 + 5, head.state().length());
                NDArray tail = logits(ModelInput.ofIds(rest.get(":, 5:")).withPrefix(prefix).withPast(head.state()));
                assertTrue(maxAbsDiff(head.logits().concat(tail, 1), viaPrefix) < EXACT);
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
    void randomPrefixChangesLogitsAndWrongShapesFail() {
        try (NDManager m = root.newSubManager()) {
            Rng rng = new Rng(5);
            NDArray ids = ids(m, rng, 2, 6); // (B, T)
            KvPrefix prefix = randomPrefix(m, rng, 2, 3);
            NDArray plain = logits(ModelInput.ofIds(ids));
            NDArray prefixed = logits(ModelInput.ofIds(ids).withPrefix(prefix));
            assertTrue(maxAbsDiff(plain, prefixed) > 1e-2, "a prefix must change the logits");
            KvPrefix wrong = randomPrefix(m, rng, 3, 2);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> model.forward(ModelInput.ofIds(ids).withPrefix(wrong)));
            assertTrue(e.getMessage().contains("prefix"), e.getMessage());
        }
    }

    @Test
    void paddedRowsMatchEachSequenceAlone() {
        try (NDManager m = root.newSubManager()) {
            Rng rng = new Rng(6);
            NDArray a = ids(m, rng, 1, 8); // (1, 8)
            NDArray b = ids(m, rng, 1, 5); // (1, 5)
            NDArray pad = m.create(new long[] {7, 7, 7}, new Shape(1, 3));
            // Row 0 unpadded, row 1 right-padded, row 2 left-padded.
            NDArray batch = NDArrays.concat(new NDList(a, b.concat(pad, 1), pad.concat(b, 1)), 0); // (3, 8)
            NDArray mask = m.create(new long[] {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1},
                    new Shape(3, 8));
            NDArray out = logits(ModelInput.ofIds(batch).withAttentionMask(mask)); // (3, 8, V)
            NDArray alone = logits(ModelInput.ofIds(b)); // (1, 5, V)
            assertTrue(maxAbsDiff(out.get("0:1"), logits(ModelInput.ofIds(a))) < EXACT);
            assertTrue(maxAbsDiff(out.get("1:2, :5"), alone) < EXACT, "right padding changed real tokens");
            assertTrue(maxAbsDiff(out.get("2:3, 3:"), alone) < EXACT, "left padding changed real tokens");

            // The left-padded row continues through the cache like the unpadded one.
            NDArray next = m.create(new long[] {1, 2, 3}, new Shape(3, 1));
            try (DecodingState padded = model.forward(ModelInput.ofIds(batch).withAttentionMask(mask).withCache(true))
                    .state(); DecodingState plain = model.forward(ModelInput.ofIds(b).withCache(true)).state()) {
                NDArray longer = mask.concat(m.ones(new Shape(3, 1), mask.getDataType()), 1); // (3, 9)
                NDArray step = logits(ModelInput.ofIds(next).withPast(padded).withAttentionMask(longer)); // (3, 1, V)
                NDArray ref = logits(ModelInput.ofIds(next.get("2:3")).withPast(plain)); // (1, 1, V)
                assertTrue(maxAbsDiff(step.get("2:3"), ref) < EXACT, "left-padded decoding step differs");
            }

            // A mask hiding an earlier real position changes later logits only.
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
            NDArray plain = logits(ModelInput.ofIds(ids));
            for (String target : loraTargets()) {
                Shape w = model.parameters().get(target).getShape(); // (out, in)
                NDArray a = m.create(rng.gaussians((int) (w.get(1) * 2), 0.5), new Shape(w.get(1), 2)); // (in, r)
                NDArray zero = m.zeros(new Shape(2, w.get(0))); // (r, out)
                NDArray b = m.create(rng.gaussians((int) (2 * w.get(0)), 0.5), new Shape(2, w.get(0))); // (r, out)
                NDArray off = logits(ModelInput.ofIds(ids).withLowRank(Map.of(target, new LowRank(a, zero, 2f))));
                assertEquals(0f, maxAbsDiff(plain, off), 1e-6f, target + ": zero LoRA changed the logits");
                NDArray on = logits(ModelInput.ofIds(ids).withLowRank(Map.of(target, new LowRank(a, b, 2f))));
                assertTrue(maxAbsDiff(plain, on) > 1e-3, target + ": LoRA had no effect");
            }
        }
    }

    @Test
    void saveLoadRoundTripGivesIdenticalLogits(@TempDir Path dir) throws Exception {
        Models.save(model, dir);
        JsonNode written = new ObjectMapper().readTree(dir.resolve(Models.CONFIG).toFile());
        Architecture arch = Architectures.byName(model.config().arch());
        assertEquals(arch.modelType(), written.get("model_type").textValue());
        assertTrue(written.get("architectures").get(0).textValue().endsWith("ForCausalLM"), written.toString());
        try (NDManager m = root.newSubManager(); LanguageModel loaded = Models.load(dir, m)) {
            assertEquals(model.parameters().keySet(), loaded.parameters().keySet());
            ModelConfig a = model.config();
            ModelConfig b = loaded.config();
            assertEquals(List.of(a.vocabSize(), a.contextLength(), a.hiddenSize(), a.numLayers(), a.numHeads(),
                    a.innerSize(), a.bosId(), a.eosId()), List.of(b.vocabSize(), b.contextLength(), b.hiddenSize(),
                    b.numLayers(), b.numHeads(), b.innerSize(), b.bosId(), b.eosId()));
            NDArray ids = ids(m, new Rng(8), 2, 6);
            assertEquals(0f, maxAbsDiff(logits(ModelInput.ofIds(ids)), loaded.forward(ModelInput.ofIds(ids)).logits()));
        }
    }

    @Test
    void gradientReachesInputEmbeddingsOnly() {
        try (NDManager m = root.newSubManager()) {
            NDArray ids = ids(m, new Rng(9), 2, 6); // (B, T)
            NDArray emb = model.embed(ids).duplicate(); // (B, T, C) leaf
            emb.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray lp = model.forward(ModelInput.ofEmbeddings(emb)).logits().logSoftmax(-1); // (B, T, V)
                gc.backward(lp.get(":, :, 3").sum().neg());
            }
            NDArray g = emb.getGradient();
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

    @Test
    void foreignStatesAndBadInputsFailClearly() {
        try (NDManager m = root.newSubManager()) {
            NDArray ids = ids(m, new Rng(11), 1, 3);
            DecodingState foreign = new DecodingState() {
                @Override
                public int length() {
                    return 2;
                }

                @Override
                public void close() {}
            };
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> model.forward(ModelInput.ofIds(ids).withPast(foreign)));
            assertTrue(e.getMessage().contains(model.config().arch() + " cannot continue"), e.getMessage());
            NDArray bad = m.create(new long[] {1, model.vocabSize()}, new Shape(1, 2));
            e = assertThrows(IllegalArgumentException.class, () -> model.forward(ModelInput.ofIds(bad)));
            assertTrue(e.getMessage().contains(String.valueOf(model.vocabSize())), e.getMessage());
            NDArray mask = m.ones(new Shape(1, 5));
            e = assertThrows(IllegalArgumentException.class,
                    () -> model.forward(ModelInput.ofIds(ids).withAttentionMask(mask)));
            assertTrue(e.getMessage().contains("attention mask"), e.getMessage());
        }
    }

    @Test
    void initIsDeterministicWithHfStatistics() {
        Architecture arch = Architectures.byName(model.config().arch());
        try (LanguageModel fresh = arch.init(model.config(), root, new Rng(1));
                LanguageModel again = arch.init(model.config(), root, new Rng(1))) {
            assertEquals(model.parameters().keySet(), fresh.parameters().keySet());
            for (var e : fresh.parameters().entrySet()) {
                String name = e.getKey();
                NDArray w = e.getValue();
                assertEquals(0f, maxAbsDiff(w, again.parameters().get(name)), name + " not deterministic");
                if (name.endsWith(".bias")) {
                    assertEquals(0f, w.abs().sum().getFloat(), name);
                } else if (w.getShape().dimension() == 1) {
                    assertEquals(w.getShape().size(), w.sum().getFloat(), 1e-4, name + ": layer-norm gain");
                } else if (w.getShape().size() >= 500) {
                    assertEquals(0.02, Math.sqrt(w.square().mean().getFloat()), 0.004, name + ": std");
                }
            }
        }
    }

    /** A random (B, H, P, D) prefix for this model. */
    protected KvPrefix randomPrefix(NDManager m, Rng rng, int b, int p) {
        List<NDArray> keys = new ArrayList<>();
        List<NDArray> values = new ArrayList<>();
        Shape s = new Shape(b, model.numKeyValueHeads(), p, model.headSize()); // (B, H, P, D)
        for (int l = 0; l < model.numLayers(); l++) {
            keys.add(m.create(rng.gaussians((int) s.size(), 1.0), s));
            values.add(m.create(rng.gaussians((int) s.size(), 1.0), s));
        }
        return new KvPrefix(keys, values);
    }
}
