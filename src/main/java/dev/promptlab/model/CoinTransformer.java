package dev.promptlab.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.promptlab.model.hf.Activation;
import dev.promptlab.model.hf.CausalAttention;
import dev.promptlab.model.hf.DecoderBlock;
import dev.promptlab.model.hf.Heads;
import dev.promptlab.model.hf.Linear;
import dev.promptlab.model.hf.Mlp;
import dev.promptlab.model.hf.Norm;
import dev.promptlab.model.hf.QkvProjection;
import dev.promptlab.model.hf.SelfAttention;
import dev.promptlab.tensor.Rng;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Bayesian prompting study's Transformer (Genewein et al. 2025): a dense input embedding
 * (D → C, with bias), sinusoidal positions, L pre-LayerNorm blocks (causal multi-head
 * self-attention with separate q, k, v and output projections, then an MLP C → I → C with
 * GELU), a final LayerNorm, and a dense unembedding (C → V, with bias). As in the authors' code
 * the projections inside the blocks have no biases. GELU is libtorch's fused exact (erf) form:
 * the authors' Flax default is the tanh approximation, within 1e-3 of it, but the fused op is one
 * pass forward and backward instead of six on the largest activations.
 *
 * <p>Weights (layout (in, out), so a layer computes x·W): {@code embedding.weight} (D, C),
 * {@code embedding.bias} (C), {@code h.{l}.ln_1.*}, {@code h.{l}.attn.q.weight},
 * {@code h.{l}.attn.k.weight}, {@code h.{l}.attn.v.weight}, {@code h.{l}.attn.out.weight} (C, C),
 * {@code h.{l}.ln_2.*}, {@code h.{l}.mlp.fc.weight} (C, I), {@code h.{l}.mlp.proj.weight} (I, C),
 * {@code ln_f.*}, {@code unembedding.weight} (C, V), {@code unembedding.bias} (V).
 *
 * <p>{@link ModelInput#lowRank()} additions apply to the four attention projections by weight
 * name (LoRA). Whole sequences only: no key/value prefix, decoding cache or attention mask (every
 * row has the same length in the study).
 */
public final class CoinTransformer extends CoinNetwork {
    public static final String ARCH = "coin-transformer";

    private final NDArray positions; // (contextLength, C), not a weight
    private final Heads heads;
    private final List<DecoderBlock> blocks;
    private final Norm finalNorm;

    private CoinTransformer(ModelConfig config, int inputSize, Map<String, NDArray> params, NDManager manager) {
        super(config, inputSize, params, manager);
        this.positions = manager.create(sinusoids(config.contextLength(), config.hiddenSize()),
                new Shape(config.contextLength(), config.hiddenSize())); // (S, C)
        this.heads = Heads.multiHead(config.numHeads(), config.headSize());
        this.blocks = new ArrayList<>();
        for (int l = 0; l < config.numLayers(); l++) {
            blocks.add(block(l));
        }
        this.finalNorm = Norm.layerNorm(params, "ln_f", config.layerNormEps());
    }

    /**
     * Block l from the shared decoder pieces: (in, out) kernels without biases; LoRA reaches the
     * four attention projections by name, not the MLP.
     */
    private DecoderBlock block(int l) {
        String p = "h." + l + ".";
        SelfAttention attention = new SelfAttention(l, QkvProjection.separate(Linear.conv1d(params, p + "attn.q"),
                Linear.conv1d(params, p + "attn.k"), Linear.conv1d(params, p + "attn.v"), heads),
                Linear.conv1d(params, p + "attn.out"));
        Mlp mlp = new Mlp.FeedForward(new Linear(null, params.get(p + "mlp.fc.weight"), null, true),
                new Linear(null, params.get(p + "mlp.proj.weight"), null, true), Activation.GELU_ERF);
        double eps = config.layerNormEps();
        return new DecoderBlock(Norm.layerNorm(params, p + "ln_1", eps), attention, Norm.layerNorm(params, p + "ln_2", eps),
                mlp, DecoderBlock.Residual.PRE_NORM);
    }

    /**
     * The study's configuration: width {@code hidden}, {@code layers} blocks of {@code heads}
     * heads, MLP width {@code inner}, V = 2 outputs, positions up to {@code context}.
     */
    public static ModelConfig config(int hidden, int layers, int heads, int inner, int context) {
        return new ModelConfig(ARCH, 2, context, hidden, layers, heads, inner, 1e-5, -1, -1);
    }

    /** Every weight name with its shape, in a stable order. */
    public static Map<String, Shape> expectedShapes(ModelConfig c, int inputSize) {
        if (c.numHeads() <= 0 || c.innerSize() <= 0) {
            throw new IllegalArgumentException("coin transformer needs heads > 0 and inner size > 0, got heads "
                    + c.numHeads() + ", inner size " + c.innerSize());
        }
        long d = c.hiddenSize();
        Map<String, Shape> s = new LinkedHashMap<>();
        s.put("embedding.weight", new Shape(inputSize, d));
        s.put("embedding.bias", new Shape(d));
        for (int l = 0; l < c.numLayers(); l++) {
            String p = "h." + l + ".";
            s.put(p + "ln_1.weight", new Shape(d));
            s.put(p + "ln_1.bias", new Shape(d));
            for (String proj : List.of("q", "k", "v", "out")) {
                s.put(p + "attn." + proj + ".weight", new Shape(d, d));
            }
            s.put(p + "ln_2.weight", new Shape(d));
            s.put(p + "ln_2.bias", new Shape(d));
            s.put(p + "mlp.fc.weight", new Shape(d, c.innerSize()));
            s.put(p + "mlp.proj.weight", new Shape(c.innerSize(), d));
        }
        s.put("ln_f.weight", new Shape(d));
        s.put("ln_f.bias", new Shape(d));
        s.put("unembedding.weight", new Shape(d, c.vocabSize()));
        s.put("unembedding.bias", new Shape(c.vocabSize()));
        return s;
    }

    /**
     * Fresh weights, deterministic in {@code rng}: every dense kernel LeCun-normal (std
     * 1/sqrt(fan in), Flax's default, which the authors' networks use), biases zero, LayerNorm
     * gains one. Weights live in a new child manager of {@code manager}.
     */
    public static CoinTransformer init(ModelConfig config, int inputSize, NDManager manager, Rng rng) {
        NDManager own = manager.newSubManager();
        Map<String, NDArray> w = new LinkedHashMap<>();
        for (Map.Entry<String, Shape> e : expectedShapes(config, inputSize).entrySet()) {
            String name = e.getKey();
            Shape shape = e.getValue();
            NDArray a;
            if (name.contains("ln_")) {
                a = Weights.constant(own, shape, name.endsWith(".weight") ? 1f : 0f);
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
    public static CoinTransformer fromWeights(ModelConfig config, int inputSize, Map<String, NDArray> weights,
            NDManager manager) {
        if (!ARCH.equals(config.arch())) {
            throw new IllegalArgumentException("config is for '" + config.arch() + "', not " + ARCH);
        }
        Map<String, NDArray> taken = Weights.take(ARCH, expectedShapes(config, inputSize), weights, n -> n, n -> false,
                manager);
        return new CoinTransformer(config, inputSize, taken, manager);
    }

    /** Sinusoidal positions as in Vaswani et al.: sin in the first C/2 columns, cos in the rest. */
    static float[] sinusoids(int positions, int width) {
        int half = (width + 1) / 2;
        float[] table = new float[positions * width];
        for (int pos = 0; pos < positions; pos++) {
            for (int i = 0; i < half; i++) {
                double angle = pos * Math.pow(1e4, -2.0 * i / width);
                table[pos * width + i] = (float) Math.sin(angle);
                if (half + i < width) {
                    table[pos * width + half + i] = (float) Math.cos(angle);
                }
            }
        }
        return table;
    }

    @Override
    public CoinTransformer copy(NDManager parent) {
        NDManager own = parent.newSubManager();
        return fromWeights(config, inputSize, Weights.copies(params, own), own);
    }

    @Override
    public ModelOutput forward(ModelInput in) {
        CoinModels.requireWholeSequences(in, ARCH);
        final int b = in.batchSize();
        final int t = in.length();
        final int c = config.hiddenSize();
        if (t > config.contextLength()) {
            throw new IllegalArgumentException(t + " positions exceed the context length " + config.contextLength());
        }
        NDArray x = in.ids() != null ? embed(in.ids()) : in.embeddings(); // (B, T, C)
        if (x.getShape().get(2) != c) {
            throw new IllegalArgumentException("embeddings must be (B, T, " + c + "), got " + x.getShape());
        }
        NDManager tmp = x.getManager();
        NDArray pos = positions.get(new ai.djl.ndarray.index.NDIndex(":{}", t)); // (T, C) view
        pos.attach(tmp); // created on the model's manager: move it to the step's, or it outlives the step
        CausalAttention pass = CausalAttention.open(ARCH, in, blocks.size(), heads);
        NDArray h = x.add(pos).reshape((long) b * t, c); // (B·T, C)
        for (DecoderBlock block : blocks) {
            h = block.forward(h, pass, in.lowRank()); // (B·T, C)
        }
        return ModelOutput.of(this, in, finalNorm.apply(h).reshape(b, t, c), null); // hidden (B, T, C)
    }

    @Override
    public String toString() {
        return "CoinTransformer(" + config + ", input size " + inputSize + ")";
    }
}
