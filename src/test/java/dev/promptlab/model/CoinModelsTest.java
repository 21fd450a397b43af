package dev.promptlab.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.promptlab.tensor.Rng;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The coin networks against scalar re-implementations of their equations on tiny sizes, plus
 * the properties the study relies on: causality, BOS as the zero input vector, dense inputs,
 * LoRA by weight name, independent copies.
 */
class CoinModelsTest {
    private static final int C = 4;
    private static final int H = 2;
    private static final int I = 8;

    private static CoinTransformer tinyTransformer(NDManager m, long seed) {
        ModelConfig c = CoinTransformer.config(C, 1, H, I, 16);
        return CoinTransformer.fromWeights(c, 2, random(CoinTransformer.expectedShapes(c, 2), m, seed), m.newSubManager());
    }

    private static CoinLstm tinyLstm(NDManager m, long seed) {
        ModelConfig c = CoinLstm.config(C, 1, 16);
        return CoinLstm.fromWeights(c, 2, random(CoinLstm.expectedShapes(c, 2), m, seed), m.newSubManager());
    }

    /** Weights large enough that every part visibly moves the outputs. */
    private static Map<String, NDArray> random(Map<String, Shape> shapes, NDManager m, long seed) {
        Rng rng = new Rng(seed);
        Map<String, NDArray> w = new LinkedHashMap<>();
        for (Map.Entry<String, Shape> e : shapes.entrySet()) {
            float[] v = rng.gaussians((int) e.getValue().size(), 0.7);
            if (e.getKey().contains("ln_") && e.getKey().endsWith(".weight")) {
                for (int i = 0; i < v.length; i++) {
                    v[i] = 1 + v[i] / 3;
                }
            }
            w.put(e.getKey(), m.create(v, e.getValue()));
        }
        return w;
    }

    private static double[][] mat(NDArray a) {
        int r = (int) a.getShape().get(0);
        int c = (int) a.getShape().get(1);
        float[] f = a.toFloatArray();
        double[][] out = new double[r][c];
        for (int i = 0; i < r; i++) {
            for (int j = 0; j < c; j++) {
                out[i][j] = f[i * c + j];
            }
        }
        return out;
    }

    private static double[] vec(NDArray a) {
        float[] f = a.toFloatArray();
        double[] out = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            out[i] = f[i];
        }
        return out;
    }

    private static double[] times(double[] x, double[][] w) {
        double[] y = new double[w[0].length];
        for (int j = 0; j < y.length; j++) {
            for (int i = 0; i < x.length; i++) {
                y[j] += x[i] * w[i][j];
            }
        }
        return y;
    }

    private static double[] plus(double[] a, double[] b) {
        double[] y = a.clone();
        for (int i = 0; i < y.length; i++) {
            y[i] += b[i];
        }
        return y;
    }

    private static double[] layerNorm(double[] x, double[] g, double[] b) {
        double mean = 0;
        for (double v : x) {
            mean += v / x.length;
        }
        double var = 0;
        for (double v : x) {
            var += (v - mean) * (v - mean) / x.length;
        }
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = (x[i] - mean) / Math.sqrt(var + 1e-5) * g[i] + b[i];
        }
        return y;
    }

    /** Input vector of an id: one-hot, or zero for BOS (id 2). */
    private static double[] input(int id) {
        return new double[] {id == 0 ? 1 : 0, id == 1 ? 1 : 0};
    }

    /** The transformer's equations, written out with loops. */
    private static double[][] referenceTransformer(Map<String, NDArray> w, int[] ids) {
        int t = ids.length;
        int d = C / H;
        double[][] h = new double[t][];
        for (int p = 0; p < t; p++) {
            double[] pos = new double[C];
            for (int i = 0; i < C / 2; i++) {
                double angle = p * Math.pow(1e4, -2.0 * i / C);
                pos[i] = Math.sin(angle);
                pos[C / 2 + i] = Math.cos(angle);
            }
            h[p] = plus(plus(times(input(ids[p]), mat(w.get("embedding.weight"))), vec(w.get("embedding.bias"))), pos);
        }
        double[][] a = new double[t][];
        double[][] q = new double[t][];
        double[][] k = new double[t][];
        double[][] v = new double[t][];
        for (int p = 0; p < t; p++) {
            a[p] = layerNorm(h[p], vec(w.get("h.0.ln_1.weight")), vec(w.get("h.0.ln_1.bias")));
            q[p] = times(a[p], mat(w.get("h.0.attn.q.weight")));
            k[p] = times(a[p], mat(w.get("h.0.attn.k.weight")));
            v[p] = times(a[p], mat(w.get("h.0.attn.v.weight")));
        }
        double[][] logits = new double[t][];
        for (int p = 0; p < t; p++) {
            double[] y = new double[C];
            for (int head = 0; head < H; head++) {
                double[] s = new double[p + 1];
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j <= p; j++) {
                    for (int e = head * d; e < (head + 1) * d; e++) {
                        s[j] += q[p][e] * k[j][e] / Math.sqrt(d);
                    }
                    max = Math.max(max, s[j]);
                }
                double z = 0;
                for (int j = 0; j <= p; j++) {
                    s[j] = Math.exp(s[j] - max);
                    z += s[j];
                }
                for (int j = 0; j <= p; j++) {
                    for (int e = head * d; e < (head + 1) * d; e++) {
                        y[e] += s[j] / z * v[j][e];
                    }
                }
            }
            double[] r = plus(h[p], times(y, mat(w.get("h.0.attn.out.weight"))));
            double[] f = times(layerNorm(r, vec(w.get("h.0.ln_2.weight")), vec(w.get("h.0.ln_2.bias"))),
                    mat(w.get("h.0.mlp.fc.weight")));
            for (int i = 0; i < f.length; i++) {
                double x = f[i];
                f[i] = 0.5 * x * (1 + erf(x / Math.sqrt(2))); // exact GELU
            }
            r = plus(r, times(f, mat(w.get("h.0.mlp.proj.weight"))));
            r = layerNorm(r, vec(w.get("ln_f.weight")), vec(w.get("ln_f.bias")));
            logits[p] = plus(times(r, mat(w.get("unembedding.weight"))), vec(w.get("unembedding.bias")));
        }
        return logits;
    }

    /** erf by Abramowitz and Stegun 7.1.26 (absolute error below 1.5e-7). */
    private static double erf(double x) {
        double t = 1 / (1 + 0.3275911 * Math.abs(x));
        double y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t
                * Math.exp(-x * x);
        return Math.signum(x) * y;
    }

    private static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    /** The LSTM's equations (gates i, f, g, o), written out with loops. */
    private static double[][] referenceLstm(Map<String, NDArray> w, int[] ids) {
        double[][] wih = mat(w.get("lstm.weight_ih_l0"));
        double[][] whh = mat(w.get("lstm.weight_hh_l0"));
        double[] bih = vec(w.get("lstm.bias_ih_l0"));
        double[] bhh = vec(w.get("lstm.bias_hh_l0"));
        double[] h = new double[C];
        double[] c = new double[C];
        double[][] logits = new double[ids.length][];
        for (int p = 0; p < ids.length; p++) {
            double[] x = plus(times(input(ids[p]), mat(w.get("embedding.weight"))), vec(w.get("embedding.bias")));
            double[] gates = new double[4 * C];
            for (int r = 0; r < 4 * C; r++) {
                gates[r] = bih[r] + bhh[r];
                for (int j = 0; j < C; j++) {
                    gates[r] += wih[r][j] * x[j] + whh[r][j] * h[j];
                }
            }
            double[] hNew = new double[C];
            for (int j = 0; j < C; j++) {
                double in = sigmoid(gates[j]);
                double forget = sigmoid(gates[C + j]);
                double cell = Math.tanh(gates[2 * C + j]);
                double out = sigmoid(gates[3 * C + j]);
                c[j] = forget * c[j] + in * cell;
                hNew[j] = out * Math.tanh(c[j]);
            }
            h = hNew;
            logits[p] = plus(times(h, mat(w.get("unembedding.weight"))), vec(w.get("unembedding.bias")));
        }
        return logits;
    }

    private static void assertLogits(double[][] expected, NDArray logits) {
        float[] got = logits.toFloatArray(); // (1, T, 2)
        for (int p = 0; p < expected.length; p++) {
            for (int v = 0; v < 2; v++) {
                assertEquals(expected[p][v], got[p * 2 + v], 2e-4, "position " + p + ", output " + v);
            }
        }
    }

    @Test
    void transformerComputesItsEquations() {
        try (NDManager m = NDManager.newBaseManager()) {
            CoinTransformer model = tinyTransformer(m, 1);
            int[] ids = {2, 1, 0, 0, 1, 1};
            NDArray logits = model.forward(ModelInput.ofIds(m.create(new long[] {2, 1, 0, 0, 1, 1}, new Shape(1, 6))))
                    .logits();
            assertEquals(new Shape(1, 6, 2), logits.getShape());
            assertLogits(referenceTransformer(model.parameters(), ids), logits);
        }
    }

    @Test
    void lstmComputesItsEquations() {
        try (NDManager m = NDManager.newBaseManager()) {
            CoinLstm model = tinyLstm(m, 2);
            int[] ids = {2, 0, 1, 1, 0};
            NDArray logits = model.forward(ModelInput.ofIds(m.create(new long[] {2, 0, 1, 1, 0}, new Shape(1, 5))))
                    .logits();
            assertLogits(referenceLstm(model.parameters(), ids), logits);
        }
    }

    @Test
    void bosIsTheZeroInputVectorAndSymbolsAreOneHot() {
        try (NDManager m = NDManager.newBaseManager()) {
            for (InputVectorModel model : new InputVectorModel[] {tinyTransformer(m, 3), tinyLstm(m, 4)}) {
                NDArray e = model.embed(m.create(new long[] {2, 0, 1}, new Shape(1, 3))); // (1, 3, C)
                NDArray w = model.parameters().get("embedding.weight");
                NDArray b = model.parameters().get("embedding.bias");
                assertArrayEquals(b.toFloatArray(), e.get("0, 0").toFloatArray(), 1e-6f);
                assertArrayEquals(w.get(0).add(b).toFloatArray(), e.get("0, 1").toFloatArray(), 1e-6f);
                assertArrayEquals(w.get(1).add(b).toFloatArray(), e.get("0, 2").toFloatArray(), 1e-6f);
                NDArray x = m.create(new float[] {0, 0, 1, 0, 0, 1}, new Shape(1, 3, 2));
                assertArrayEquals(e.toFloatArray(), model.embedInputs(x).toFloatArray(), 1e-6f);
                assertThrows(IllegalArgumentException.class, () -> model.embed(m.create(new long[] {3}, new Shape(1, 1))));
            }
        }
    }

    @Test
    void laterInputsNeverChangeEarlierPredictions() {
        try (NDManager m = NDManager.newBaseManager()) {
            for (InputVectorModel model : new InputVectorModel[] {tinyTransformer(m, 5), tinyLstm(m, 6)}) {
                float[] a = model.forward(ModelInput.ofIds(m.create(new long[] {2, 0, 1, 1, 0, 0}, new Shape(1, 6))))
                        .logits().toFloatArray();
                float[] b = model.forward(ModelInput.ofIds(m.create(new long[] {2, 0, 1, 0, 1, 1}, new Shape(1, 6))))
                        .logits().toFloatArray();
                for (int i = 0; i < 3 * 2; i++) {
                    assertEquals(a[i], b[i], 1e-6f, model + " position " + i / 2);
                }
                assertNotEquals(a[3 * 2], b[3 * 2], model + ": the changed input must matter");
            }
        }
    }

    @Test
    void lowRankAdditionsActOnTheNamedProjectionOnly() {
        try (NDManager m = NDManager.newBaseManager()) {
            CoinTransformer model = tinyTransformer(m, 7);
            NDArray ids = m.create(new long[] {2, 1, 1, 0}, new Shape(1, 4));
            float[] plain = model.forward(ModelInput.ofIds(ids)).logits().toFloatArray();
            Rng rng = new Rng(8);
            NDArray a = m.create(rng.gaussians(C * 2, 0.5), new Shape(C, 2));
            NDArray zero = m.zeros(new Shape(2, C));
            NDArray b = m.create(rng.gaussians(2 * C, 0.5), new Shape(2, C));
            String name = "h.0.attn.v.weight";
            float[] zeroB = model.forward(ModelInput.ofIds(ids).withLowRank(Map.of(name, new LowRank(a, zero, 2f))))
                    .logits().toFloatArray();
            assertArrayEquals(plain, zeroB, 0f);
            float[] lora = model.forward(ModelInput.ofIds(ids).withLowRank(Map.of(name, new LowRank(a, b, 2f))))
                    .logits().toFloatArray();
            // the same as merging W + 2·A·B into the weight
            Map<String, NDArray> merged = new LinkedHashMap<>();
            model.parameters().forEach((k, v) -> merged.put(k, k.equals(name) ? v.add(a.matMul(b).mul(2f)) : v.duplicate()));
            CoinTransformer mergedModel = CoinTransformer.fromWeights(model.config(), 2, merged, m.newSubManager());
            assertArrayEquals(mergedModel.forward(ModelInput.ofIds(ids)).logits().toFloatArray(), lora, 1e-5f);
            assertFalse(java.util.Arrays.equals(plain, lora));
        }
    }

    @Test
    void copiesAreIndependent() {
        try (NDManager m = NDManager.newBaseManager()) {
            for (InputVectorModel model : new InputVectorModel[] {tinyTransformer(m, 9), tinyLstm(m, 10)}) {
                NDArray ids = m.create(new long[] {2, 1, 0}, new Shape(1, 3));
                float[] before = model.forward(ModelInput.ofIds(ids)).logits().toFloatArray();
                InputVectorModel copy = model.copy(m);
                assertArrayEquals(before, copy.forward(ModelInput.ofIds(ids)).logits().toFloatArray(), 0f);
                copy.parameters().get("embedding.bias").addi(1f);
                assertArrayEquals(before, model.forward(ModelInput.ofIds(ids)).logits().toFloatArray(), 0f);
                copy.close();
                assertArrayEquals(before, model.forward(ModelInput.ofIds(ids)).logits().toFloatArray(), 0f);
            }
        }
    }

    @Test
    void studyNetworksHaveThePapersShapes() {
        try (NDManager m = NDManager.newBaseManager()) {
            InputVectorModel t = CoinModels.init("transformer", 128, 4, 512, 256, m, new Rng(1));
            // embedding 2·128+128, 4 attention projections 128², 2 layer norms, MLP 2·128·512, final norm, unembedding
            long expected = 3 * 128 + 4 * 128 * 128 + 4 * 128 + 2 * 128 * 512 + 2 * 128 + 128 * 2 + 2;
            assertEquals(expected, t.parameterCount());
            InputVectorModel l = CoinModels.init("lstm", 128, 4, 512, 256, m, new Rng(1));
            assertEquals(3 * 128 + 2 * 4 * 128 * 128 + 2 * 4 * 128 + 128 * 2 + 2, l.parameterCount());
            assertTrue(assertThrows(IllegalArgumentException.class, () -> CoinModels.init("gru", 8, 1, 8, 8, m, new Rng(1)))
                    .getMessage().contains("gru"));
        }
    }
}
