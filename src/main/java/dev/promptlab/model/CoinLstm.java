package dev.promptlab.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.promptlab.tensor.Rng;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Bayesian prompting study's LSTM (Genewein et al. 2025): a dense input embedding (D → C,
 * with bias), L LSTM layers of C units (PyTorch {@code nn.LSTM} weights, gate order i, f, g, o,
 * run in libtorch's fused {@code at::lstm}) and a dense unembedding (C → V, with bias).
 *
 * <p>Weights: {@code embedding.weight} (D, C), {@code embedding.bias} (C),
 * {@code lstm.weight_ih_l{k}} (4C, C), {@code lstm.weight_hh_l{k}} (4C, C),
 * {@code lstm.bias_ih_l{k}} and {@code lstm.bias_hh_l{k}} (4C), {@code unembedding.weight}
 * (C, V), {@code unembedding.bias} (V). Whole sequences only: no decoding state or mask.
 */
public final class CoinLstm extends CoinNetwork {
    public static final String ARCH = "coin-lstm";

    private final NDList lstmParams;

    private CoinLstm(ModelConfig config, int inputSize, Map<String, NDArray> params, NDManager manager) {
        super(config, inputSize, params, manager);
        this.lstmParams = new NDList();
        for (int k = 0; k < config.numLayers(); k++) {
            lstmParams.add(params.get("lstm.weight_ih_l" + k)); // (4C, C)
            lstmParams.add(params.get("lstm.weight_hh_l" + k)); // (4C, C)
            lstmParams.add(params.get("lstm.bias_ih_l" + k)); // (4C)
            lstmParams.add(params.get("lstm.bias_hh_l" + k)); // (4C)
        }
    }

    /** The study's configuration: {@code layers} LSTM layers of {@code hidden} units, V = 2 outputs. */
    public static ModelConfig config(int hidden, int layers, int context) {
        return new ModelConfig(ARCH, 2, context, hidden, layers, 0, 0, 1e-5, -1, -1);
    }

    /** Every weight name with its shape, in a stable order. */
    public static Map<String, Shape> expectedShapes(ModelConfig c, int inputSize) {
        if (c.numHeads() != 0) {
            throw new IllegalArgumentException("coin lstm has no attention heads, got heads " + c.numHeads());
        }
        long d = c.hiddenSize();
        Map<String, Shape> s = new LinkedHashMap<>();
        s.put("embedding.weight", new Shape(inputSize, d));
        s.put("embedding.bias", new Shape(d));
        for (int k = 0; k < c.numLayers(); k++) {
            s.put("lstm.weight_ih_l" + k, new Shape(4 * d, d));
            s.put("lstm.weight_hh_l" + k, new Shape(4 * d, d));
            s.put("lstm.bias_ih_l" + k, new Shape(4 * d));
            s.put("lstm.bias_hh_l" + k, new Shape(4 * d));
        }
        s.put("unembedding.weight", new Shape(d, c.vocabSize()));
        s.put("unembedding.bias", new Shape(c.vocabSize()));
        return s;
    }

    /**
     * Fresh weights, deterministic in {@code rng}: dense kernels LeCun-normal (std 1/sqrt(fan in)),
     * their biases zero; LSTM weights and biases uniform(-1/sqrt(C), 1/sqrt(C)) as PyTorch's
     * nn.LSTM. Weights live in a new child manager of {@code manager}.
     */
    public static CoinLstm init(ModelConfig config, int inputSize, NDManager manager, Rng rng) {
        NDManager own = manager.newSubManager();
        double bound = 1.0 / Math.sqrt(config.hiddenSize());
        Map<String, NDArray> w = new LinkedHashMap<>();
        for (Map.Entry<String, Shape> e : expectedShapes(config, inputSize).entrySet()) {
            String name = e.getKey();
            Shape shape = e.getValue();
            NDArray a;
            if (name.startsWith("lstm.")) {
                a = Weights.uniform(own, rng, shape, bound);
            } else if (name.endsWith(".bias")) {
                a = Weights.constant(own, shape, 0f);
            } else {
                a = Weights.normal(own, rng, shape, 1.0 / Math.sqrt(shape.get(0)));
            }
            w.put(name, a);
        }
        return fromWeights(config, inputSize, w, own);
    }

    /** A model over given weights, which move into {@code manager}. */
    public static CoinLstm fromWeights(ModelConfig config, int inputSize, Map<String, NDArray> weights,
            NDManager manager) {
        if (!ARCH.equals(config.arch())) {
            throw new IllegalArgumentException("config is for '" + config.arch() + "', not " + ARCH);
        }
        Map<String, NDArray> taken = Weights.take(ARCH, expectedShapes(config, inputSize), weights, n -> n, n -> false,
                manager);
        return new CoinLstm(config, inputSize, taken, manager);
    }

    @Override
    public CoinLstm copy(NDManager parent) {
        NDManager own = parent.newSubManager();
        return fromWeights(config, inputSize, Weights.copies(params, own), own);
    }

    @Override
    public ModelOutput forward(ModelInput in) {
        CoinModels.requireWholeSequences(in, ARCH);
        final int b = in.batchSize();
        final int t = in.length();
        final int c = config.hiddenSize();
        final int nl = config.numLayers();
        if (t > config.contextLength()) {
            throw new IllegalArgumentException(t + " positions exceed the context length " + config.contextLength());
        }
        NDArray x = in.ids() != null ? embed(in.ids()) : in.embeddings(); // (B, T, C)
        if (x.getShape().get(2) != c) {
            throw new IllegalArgumentException("embeddings must be (B, T, " + c + "), got " + x.getShape());
        }
        NDManager tmp = x.getManager();
        NDArray zeros = tmp.zeros(new Shape(nl, b, c)); // (L, B, C)
        NDList out = x.getNDArrayInternal().lstm(x, new NDList(zeros, zeros), lstmParams, true, nl, 0.0, false, false,
                true);
        for (NDArray a : out) {
            if (a.getManager() != tmp) {
                a.attach(tmp);
            }
        }
        return ModelOutput.of(this, in, out.get(0), null); // hidden (B, T, C)
    }

    @Override
    public String toString() {
        return "CoinLstm(" + config + ", input size " + inputSize + ")";
    }
}
