package dev.promptlab.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.promptlab.tensor.Rng;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static dev.promptlab.model.TinyModels.maxAbsDiff;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LstmTest {
    private static final float EXACT = 1e-5f;
    private static NDManager root;
    private static Lstm model;

    @BeforeAll
    static void setUp() {
        root = NDManager.newBaseManager();
        model = TinyModels.lstm(root, 4321L);
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
    void matchesHandWrittenLstmEquations() {
        // One step-by-step LSTM in plain NDArray ops (gate order i, f, g, o as nn.LSTM) against at::lstm.
        try (NDManager m = root.newSubManager()) {
            NDArray ids = TinyModels.ids(m, new Rng(1), 2, 5, 40); // (B, T)
            NDArray x = model.embed(ids); // (B, T, C)
            var p = model.parameters();
            int c = 12;
            List<NDArray> layerIn = new ArrayList<>();
            for (int t = 0; t < 5; t++) {
                layerIn.add(x.get(":, " + t)); // (B, C)
            }
            for (int l = 0; l < 2; l++) {
                NDArray h = m.zeros(new Shape(2, c));
                NDArray cell = m.zeros(new Shape(2, c));
                List<NDArray> outs = new ArrayList<>();
                for (NDArray xt : layerIn) {
                    NDArray gates = xt.matMul(p.get("lstm.weight_ih_l" + l).transpose()).add(p.get("lstm.bias_ih_l" + l))
                            .add(h.matMul(p.get("lstm.weight_hh_l" + l).transpose())).add(p.get("lstm.bias_hh_l" + l));
                    NDList g = gates.split(4, 1);
                    NDArray i = g.get(0).getNDArrayInternal().sigmoid();
                    NDArray f = g.get(1).getNDArrayInternal().sigmoid();
                    NDArray gg = g.get(2).tanh();
                    NDArray o = g.get(3).getNDArrayInternal().sigmoid();
                    cell = f.mul(cell).add(i.mul(gg));
                    h = o.mul(cell.tanh());
                    outs.add(h);
                }
                layerIn = outs;
            }
            NDArray y = NDArrays.stack(new NDList(layerIn), 1); // (B, T, C)
            NDArray mean = y.mean(new int[] {-1}, true);
            NDArray var = y.sub(mean).square().mean(new int[] {-1}, true);
            NDArray ln = y.sub(mean).div(var.add(1e-5).sqrt()).mul(p.get("ln_f.weight")).add(p.get("ln_f.bias"));
            NDArray expected = ln.matMul(p.get("wte.weight").transpose()); // (B, T, V)
            float diff = maxAbsDiff(expected, logits(ModelInput.ofIds(ids)));
            assertTrue(diff < 1e-4, "lstm differs from the equations by " + diff);
        }
    }

    @Test
    void laterTokensNeverChangeEarlierLogits() {
        try (NDManager m = root.newSubManager()) {
            NDArray ids = TinyModels.ids(m, new Rng(2), 2, 10, 40); // (B, T)
            NDArray changed = ids.duplicate();
            changed.set(new NDIndex(":, 6:"), 5);
            NDArray a = logits(ModelInput.ofIds(ids));
            NDArray b = logits(ModelInput.ofIds(changed));
            assertTrue(maxAbsDiff(a.get(":, :6"), b.get(":, :6")) < EXACT);
            assertTrue(maxAbsDiff(a.get(":, 6:"), b.get(":, 6:")) > 1e-3);
        }
    }

    @Test
    void incrementalDecodingMatchesFullForward() {
        try (NDManager m = root.newSubManager()) {
            NDArray ids = TinyModels.ids(m, new Rng(3), 3, 11, 40); // (B, T)
            NDArray full = logits(ModelInput.ofIds(ids));
            List<NDArray> parts = new ArrayList<>();
            DecodingState state = null;
            int[] cuts = {0, 4, 5, 6, 11};
            for (int i = 0; i + 1 < cuts.length; i++) {
                ModelOutput out = model.forward(ModelInput.ofIds(ids.get(":, " + cuts[i] + ":" + cuts[i + 1]))
                        .withPast(state).withCache(true));
                if (state != null) {
                    state.close();
                }
                state = out.state();
                assertEquals(cuts[i + 1], state.length());
                parts.add(out.logits());
            }
            state.close();
            assertTrue(maxAbsDiff(full, NDArrays.concat(new NDList(parts), 1)) < EXACT);
        }
    }

    @Test
    void embeddingsInputEqualsIdsInput() {
        try (NDManager m = root.newSubManager()) {
            NDArray ids = TinyModels.ids(m, new Rng(4), 2, 7, 40);
            assertEquals(0f, maxAbsDiff(logits(ModelInput.ofIds(ids)), logits(ModelInput.ofEmbeddings(model.embed(ids)))));
        }
    }

    @Test
    void rightPaddingOnlyAndNoKvPrefix() {
        try (NDManager m = root.newSubManager()) {
            Rng rng = new Rng(5);
            NDArray a = TinyModels.ids(m, rng, 1, 6, 40);
            NDArray b = TinyModels.ids(m, rng, 1, 3, 40);
            NDArray batch = a.concat(b.concat(m.create(new long[] {2, 2, 2}, new Shape(1, 3)), 1), 0); // (2, 6)
            NDArray mask = m.create(new long[] {1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0}, new Shape(2, 6));
            NDArray out = logits(ModelInput.ofIds(batch).withAttentionMask(mask));
            assertTrue(maxAbsDiff(out.get("1:2, :3"), logits(ModelInput.ofIds(b))) < EXACT);
            assertTrue(maxAbsDiff(out.get("0:1"), logits(ModelInput.ofIds(a))) < EXACT);
            NDArray left = m.create(new long[] {1, 1, 1, 1, 1, 1, 0, 0, 0, 1, 1, 1}, new Shape(2, 6));
            var e = assertThrows(IllegalArgumentException.class,
                    () -> model.forward(ModelInput.ofIds(batch).withAttentionMask(left)));
            assertTrue(e.getMessage().contains("right padding"), e.getMessage());
            KvPrefix prefix = GptTest.randomPrefix(m, rng, 2, 2);
            var u = assertThrows(UnsupportedOperationException.class,
                    () -> model.forward(ModelInput.ofIds(batch).withPrefix(prefix)));
            assertEquals("lstm has no attention layers: key/value prefixes need a transformer", u.getMessage());
            assertFalse(model.supportsKvPrefix());
        }
    }

    @Test
    void gradientReachesInputEmbeddingsOnly() {
        int before = model.manager().getManagedArrays().size();
        try (NDManager m = root.newSubManager()) {
            NDArray emb = model.embed(TinyModels.ids(m, new Rng(6), 2, 5, 40)).duplicate(); // (B, T, C)
            emb.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray lp = model.forward(ModelInput.ofEmbeddings(emb)).logits().logSoftmax(-1);
                gc.backward(lp.get(":, :, 1").sum().neg());
            }
            assertTrue(emb.getGradient().abs().sum().getFloat() > 0f);
            for (var e : model.parameters().entrySet()) {
                assertFalse(e.getValue().hasGradient(), e.getKey() + " should be frozen");
            }
        }
        assertEquals(before, model.manager().getManagedArrays().size());
    }

    @Test
    void initIsDeterministicAndPyTorchLike() {
        try (Lstm a = Lstm.init(TinyModels.lstmConfig(), root, new Rng(3));
                Lstm b = Lstm.init(TinyModels.lstmConfig(), root, new Rng(3))) {
            NDArray w = a.parameters().get("lstm.weight_hh_l1");
            float bound = (float) (1 / Math.sqrt(12));
            assertTrue(w.abs().max().getFloat() <= bound);
            assertEquals(0f, maxAbsDiff(w, b.parameters().get("lstm.weight_hh_l1")));
            assertEquals(40 * 12 + 2 * (2 * 48 * 12 + 2 * 48) + 24, a.parameterCount());
        }
    }
}
