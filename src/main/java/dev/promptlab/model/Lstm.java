package dev.promptlab.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import dev.promptlab.model.hf.Linear;
import dev.promptlab.tensor.Rng;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A word-level LSTM language model: token embeddings {@code wte.weight} (V, C), L stacked LSTM
 * layers of width C with PyTorch {@code nn.LSTM} weight names ({@code lstm.weight_ih_l{k}} (4C, C),
 * {@code lstm.weight_hh_l{k}} (4C, C), {@code lstm.bias_ih_l{k}}, {@code lstm.bias_hh_l{k}} (4C),
 * gate order i, f, g, o), a final LayerNorm {@code ln_f.*}, and logits against the tied embeddings.
 * The recurrence runs in libtorch's fused {@code at::lstm}.
 *
 * <p>Attention mask: right padding only (each row 1…1 0…0). Since position t depends only on
 * positions ≤ t, padding after the content cannot change the logits of real positions, so the
 * mask needs no computation; rows that are not right-padded are rejected. A returned decoding
 * state is the state after the last position of the call, padding included: continue from it only
 * when the call had no padding. Key/value prefixes are unsupported (no attention layers).
 */
public final class Lstm implements LanguageModel {
    private final ModelConfig config;
    private final NDManager manager;
    private final Map<String, NDArray> params;
    private final NDArray wte;
    private final NDArray lnfW;
    private final NDArray lnfB;
    private final NDList lstmParams;

    private Lstm(ModelConfig config, Map<String, NDArray> params, NDManager manager) {
        this.config = config;
        this.manager = manager;
        this.params = params;
        this.wte = params.get("wte.weight");
        this.lnfW = params.get("ln_f.weight");
        this.lnfB = params.get("ln_f.bias");
        this.lstmParams = new NDList();
        for (int k = 0; k < config.numLayers(); k++) {
            lstmParams.add(params.get("lstm.weight_ih_l" + k)); // (4C, C)
            lstmParams.add(params.get("lstm.weight_hh_l" + k)); // (4C, C)
            lstmParams.add(params.get("lstm.bias_ih_l" + k)); // (4C)
            lstmParams.add(params.get("lstm.bias_hh_l" + k)); // (4C)
        }
    }

    /** Every weight name with its shape, in checkpoint order. */
    public static Map<String, Shape> expectedShapes(ModelConfig c) {
        if (c.numHeads() != 0) {
            throw new IllegalArgumentException("lstm has no attention heads, got heads " + c.numHeads());
        }
        long v = c.vocabSize();
        long d = c.hiddenSize();
        Map<String, Shape> s = new LinkedHashMap<>();
        s.put("wte.weight", new Shape(v, d));
        for (int k = 0; k < c.numLayers(); k++) {
            s.put("lstm.weight_ih_l" + k, new Shape(4 * d, d));
            s.put("lstm.weight_hh_l" + k, new Shape(4 * d, d));
            s.put("lstm.bias_ih_l" + k, new Shape(4 * d));
            s.put("lstm.bias_hh_l" + k, new Shape(4 * d));
        }
        s.put("ln_f.weight", new Shape(d));
        s.put("ln_f.bias", new Shape(d));
        return s;
    }

    /**
     * Initialisation, deterministic in {@code rng}: embeddings normal(0, 0.02) (as GPT-2; the
     * embeddings are also the output projection, and the final LayerNorm keeps the logits'
     * scale independent of the LSTM's), every LSTM weight and bias uniform(-1/sqrt(C), 1/sqrt(C))
     * as PyTorch's nn.LSTM, LayerNorm weight one and bias zero. Weights live in a new child
     * manager of {@code manager}.
     */
    public static Lstm init(ModelConfig config, NDManager manager, Rng rng) {
        NDManager own = manager.newSubManager();
        double bound = 1.0 / Math.sqrt(config.hiddenSize());
        Map<String, NDArray> w = new LinkedHashMap<>();
        for (Map.Entry<String, Shape> e : expectedShapes(config).entrySet()) {
            String name = e.getKey();
            NDArray a;
            if (name.equals("wte.weight")) {
                a = Weights.normal(own, rng, e.getValue(), 0.02);
            } else if (name.startsWith("lstm.")) {
                a = Weights.uniform(own, rng, e.getValue(), bound);
            } else {
                a = Weights.constant(own, e.getValue(), name.endsWith(".weight") ? 1f : 0f);
            }
            w.put(name, a);
        }
        return fromWeights(config, w, own);
    }

    /** A model over loaded weights, attached to {@code manager}; {@code lm_head.weight} (tied) is ignored. */
    public static Lstm fromWeights(ModelConfig config, Map<String, NDArray> weights, NDManager manager) {
        Map<String, NDArray> taken = Weights.take("lstm", expectedShapes(config), weights, n -> n,
                n -> n.equals("lm_head.weight"), manager);
        return new Lstm(config, taken, manager);
    }

    @Override
    public ModelConfig config() {
        return config;
    }

    @Override
    public NDArray inputEmbeddings() {
        return wte; // (V, C)
    }

    @Override
    public NDArray embed(NDArray ids) {
        Weights.checkIds(ids, config.vocabSize());
        return wte.getNDArrayInternal().embedding(ids, wte, SparseFormat.DENSE).singletonOrThrow(); // (B, T, C)
    }

    @Override
    public Map<String, NDArray> parameters() {
        return params;
    }

    @Override
    public NDManager manager() {
        return manager;
    }

    @Override
    public boolean supportsKvPrefix() {
        return false;
    }

    @Override
    public ModelOutput forward(ModelInput in) {
        if (in.prefix() != null) {
            throw new UnsupportedOperationException("lstm has no attention layers: key/value prefixes need a transformer");
        }
        NDArray source = in.ids() != null ? in.ids() : in.embeddings();
        NDManager tmp = source.getManager();
        final int b = in.batchSize();
        final int t = in.length();
        final int c = config.hiddenSize();
        final int nl = config.numLayers();
        LstmState past = null;
        if (in.past() != null) {
            if (!(in.past() instanceof LstmState s)) {
                throw new IllegalArgumentException("lstm cannot continue from a " + in.past().getClass().getSimpleName()
                        + " (pass the LstmState an earlier lstm forward returned)");
            }
            if (s.hidden().getShape().get(1) != b) {
                throw new IllegalArgumentException("past state has batch " + s.hidden().getShape().get(1)
                        + ", input has batch " + b);
            }
            past = s;
        }
        int start = past == null ? 0 : past.length();
        int total = start + t;
        if (total > config.contextLength()) {
            throw new IllegalArgumentException("positions " + start + ".." + (total - 1) + " exceed the context length "
                    + config.contextLength() + " (past " + start + ", new tokens " + t + ")");
        }
        checkRightPadding(in.attentionMask(), b, total);

        NDArray x = in.ids() != null ? embed(in.ids()) : in.embeddings(); // (B, T, C)
        if (x.getShape().get(2) != c) {
            throw new IllegalArgumentException("embeddings must be (B, T, " + c + "), got " + x.getShape());
        }
        NDList hx;
        if (past != null) {
            hx = new NDList(past.hidden(), past.cell()); // 2 × (L, B, C)
        } else {
            NDArray zeros = tmp.zeros(new Shape(nl, b, c)); // (L, B, C)
            hx = new NDList(zeros, zeros);
        }
        NDList out = x.getNDArrayInternal().lstm(x, hx, lstmParams, true, nl, 0.0, false, false, true);
        NDArray y = out.get(0); // (B, T, C)
        NDArray hn = out.get(1); // (L, B, C)
        NDArray cn = out.get(2); // (L, B, C)
        for (NDArray a : out) {
            if (a.getManager() != tmp) {
                a.attach(tmp);
            }
        }
        NDArray h = y.getNDArrayInternal().layerNorm(y, new Shape(c), lnfW, lnfB, (float) config.layerNormEps())
                .singletonOrThrow(); // (B, T, C)
        LstmState state = null;
        if (in.useCache()) {
            NDManager sm = tmp.newSubManager();
            hn.attach(sm);
            cn.attach(sm);
            state = new LstmState(sm, hn, cn, total);
        }
        return ModelOutput.of(this, in, h, state);
    }

    /** Logits against the tied token embeddings: hidden (..., C) → (..., V). */
    @Override
    public NDArray logitsOf(NDArray hidden, Map<String, LowRank> lowRank) {
        return Linear.tied(wte).apply(hidden, lowRank); // (..., V)
    }

    private static void checkRightPadding(NDArray mask, int b, int total) {
        if (mask == null) {
            return;
        }
        Shape ms = mask.getShape();
        if (ms.dimension() != 2 || ms.get(0) != b || ms.get(1) != total) {
            throw new IllegalArgumentException("attention mask must be (B, S) = (" + b + ", " + total
                    + ") (S = past + new tokens), got " + ms);
        }
        float[] m = mask.toType(DataType.FLOAT32, false).toFloatArray();
        for (int r = 0; r < b; r++) {
            boolean padding = false;
            for (int j = 0; j < total; j++) {
                boolean real = m[r * total + j] != 0f;
                if (real && padding) {
                    throw new IllegalArgumentException("lstm supports right padding only (1…1 0…0), but mask row " + r
                            + " has a real position " + j + " after padding");
                }
                padding |= !real;
            }
        }
    }

    @Override
    public String toString() {
        return "Lstm(" + config + ")";
    }
}
