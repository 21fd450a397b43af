package dev.promptlab.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.promptlab.model.hf.Activation;
import dev.promptlab.model.hf.CausalAttention;
import dev.promptlab.model.hf.DecoderBlock;
import dev.promptlab.model.hf.Heads;
import dev.promptlab.model.hf.HfDecoder;
import dev.promptlab.model.hf.LearnedPositions;
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
 * The GPT-2 architecture, exactly: token embeddings plus learned positions, L pre-LayerNorm
 * blocks (causal multi-head self-attention, then an MLP with the tanh-approximated GELU), a final
 * LayerNorm, and logits against the tied token embeddings.
 *
 * <p>Weights carry Hugging Face GPT-2 names and the Conv1D layout (in, out): {@code wte.weight}
 * (V, C), {@code wpe.weight} (n_positions, C), {@code h.{i}.ln_1.weight}, {@code
 * h.{i}.attn.c_attn.weight} (C, 3C), {@code h.{i}.attn.c_proj.weight} (C, C), {@code
 * h.{i}.ln_2.*}, {@code h.{i}.mlp.c_fc.weight} (C, 4C), {@code h.{i}.mlp.c_proj.weight} (4C, C),
 * the matching biases, and {@code ln_f.*}.
 *
 * <p>Positions: the first new token of a call sits at position P (the key/value prefix length)
 * when there is no {@code past}, or at {@code past.length()} (which already counts the prefix)
 * when there is one; as Hugging Face GPT-2 does with {@code past_key_values}. A {@link KvPrefix}
 * passed together with a {@code past} cache is not prepended again (the cache holds it); its
 * length must then match the cache's prefix. The attention mask covers S = start + T positions.
 *
 * <p>Built from the shared decoder pieces of {@code model.hf} ({@link HfDecoder}); GPT-2's own
 * part is its weight names, the fused c_attn projection and learned positions. Temporaries of a
 * forward pass live in the manager of the input array (ids or embeddings); weights never require
 * gradients unless a caller sets it.
 */
public final class Gpt extends HfDecoder {
    /** The linear layers' weight names within a block; each may carry a {@link LowRank} addition. */
    private static final List<String> LINEAR = List.of("attn.c_attn.weight", "attn.c_proj.weight", "mlp.c_fc.weight",
            "mlp.c_proj.weight");

    private final LearnedPositions positions;
    private final Norm finalNorm;

    private Gpt(ModelConfig config, Map<String, NDArray> params, NDManager manager) {
        super(config, params, manager, "wte.weight", heads(config), blocks(config, params), null);
        this.positions = new LearnedPositions(params.get("wpe.weight"), 0, false, "n_positions");
        this.finalNorm = Norm.layerNorm(params, "ln_f", config.layerNormEps());
    }

    private static Heads heads(ModelConfig c) {
        return Heads.multiHead(c.numHeads(), c.headSize());
    }

    /** Block i: LayerNorm, attention over the fused c_attn, LayerNorm, tanh-GELU MLP; Conv1D (in, out) layers. */
    private static List<DecoderBlock> blocks(ModelConfig c, Map<String, NDArray> w) {
        List<DecoderBlock> blocks = new ArrayList<>();
        for (int i = 0; i < c.numLayers(); i++) {
            String p = "h." + i + ".";
            SelfAttention attention = new SelfAttention(i, QkvProjection.stacked(Linear.conv1d(w, p + "attn.c_attn"),
                    heads(c)), Linear.conv1d(w, p + "attn.c_proj"));
            Mlp mlp = new Mlp.FeedForward(Linear.conv1d(w, p + "mlp.c_fc"), Linear.conv1d(w, p + "mlp.c_proj"),
                    Activation.GELU_TANH);
            blocks.add(new DecoderBlock(Norm.layerNorm(w, p + "ln_1", c.layerNormEps()), attention,
                    Norm.layerNorm(w, p + "ln_2", c.layerNormEps()), mlp, DecoderBlock.Residual.PRE_NORM));
        }
        return blocks;
    }

    /** Every weight name with its shape, in checkpoint order (embeddings, blocks, final norm). */
    public static Map<String, Shape> expectedShapes(ModelConfig c) {
        requireGpt(c);
        long v = c.vocabSize();
        long n = c.contextLength();
        long d = c.hiddenSize();
        long inner = c.innerSize();
        Map<String, Shape> s = new LinkedHashMap<>();
        s.put("wte.weight", new Shape(v, d));
        s.put("wpe.weight", new Shape(n, d));
        for (int i = 0; i < c.numLayers(); i++) {
            String p = "h." + i + ".";
            s.put(p + "ln_1.weight", new Shape(d));
            s.put(p + "ln_1.bias", new Shape(d));
            s.put(p + "attn.c_attn.weight", new Shape(d, 3 * d));
            s.put(p + "attn.c_attn.bias", new Shape(3 * d));
            s.put(p + "attn.c_proj.weight", new Shape(d, d));
            s.put(p + "attn.c_proj.bias", new Shape(d));
            s.put(p + "ln_2.weight", new Shape(d));
            s.put(p + "ln_2.bias", new Shape(d));
            s.put(p + "mlp.c_fc.weight", new Shape(d, inner));
            s.put(p + "mlp.c_fc.bias", new Shape(inner));
            s.put(p + "mlp.c_proj.weight", new Shape(inner, d));
            s.put(p + "mlp.c_proj.bias", new Shape(d));
        }
        s.put("ln_f.weight", new Shape(d));
        s.put("ln_f.bias", new Shape(d));
        return s;
    }

    private static void requireGpt(ModelConfig c) {
        if (c.numHeads() <= 0 || c.innerSize() <= 0) {
            throw new IllegalArgumentException("gpt needs heads > 0 and inner size > 0, got heads " + c.numHeads()
                    + ", inner size " + c.innerSize());
        }
    }

    /**
     * GPT-2 initialisation, deterministic in {@code rng}: weights normal(0, 0.02), the residual
     * projections (attn.c_proj, mlp.c_proj) normal(0, 0.02 / sqrt(2 L)), biases zero, LayerNorm
     * weights one. Weights live in a new child manager of {@code manager}.
     */
    public static Gpt init(ModelConfig config, NDManager manager, Rng rng) {
        NDManager own = manager.newSubManager();
        double residualStd = 0.02 / Math.sqrt(2.0 * config.numLayers());
        Map<String, NDArray> w = new LinkedHashMap<>();
        for (Map.Entry<String, Shape> e : expectedShapes(config).entrySet()) {
            String name = e.getKey();
            Shape shape = e.getValue();
            NDArray a;
            if (name.contains("ln_") && name.endsWith(".weight")) {
                a = Weights.constant(own, shape, 1f);
            } else if (name.endsWith(".bias")) {
                a = Weights.constant(own, shape, 0f);
            } else if (name.endsWith("attn.c_proj.weight") || name.endsWith("mlp.c_proj.weight")) {
                a = Weights.normal(own, rng, shape, residualStd);
            } else {
                a = Weights.normal(own, rng, shape, 0.02);
            }
            w.put(name, a);
        }
        return fromWeights(config, w, own);
    }

    /**
     * A model over loaded weights, which are attached to {@code manager} (the model's manager
     * from then on; closing the model closes it). Accepts a {@code transformer.} prefix on every
     * name and ignores {@code lm_head.weight} (tied) and the {@code attn.bias} /
     * {@code attn.masked_bias} buffers of old checkpoints.
     */
    public static Gpt fromWeights(ModelConfig config, Map<String, NDArray> weights, NDManager manager) {
        Map<String, NDArray> taken = Weights.take("gpt", expectedShapes(config), weights,
                n -> n.startsWith("transformer.") ? n.substring("transformer.".length()) : n,
                n -> n.equals("lm_head.weight") || n.endsWith(".attn.bias") || n.endsWith(".attn.masked_bias"),
                manager);
        return new Gpt(config, taken, manager);
    }

    /** PEFT's default for gpt2: the fused query/key/value projection. */
    @Override
    public List<String> defaultLoraTargets() {
        return List.of("c_attn");
    }

    @Override
    public boolean appliesLowRank(String weightName) {
        return weightName.startsWith("h.") && LINEAR.stream().anyMatch(n -> weightName.endsWith("." + n));
    }

    /** GPT-2's linear layers are Conv1D, weights (in, out). */
    @Override
    public boolean fanInFanOut() {
        return true;
    }

    /** GPT2LMHeadModel keeps the blocks under {@code transformer}. */
    @Override
    public String modulePath(String weightName) {
        return "transformer." + super.modulePath(weightName);
    }

    /** Token vectors plus the learned positions start .. start + T − 1 (whatever the mask, as HF's GPT-2). */
    @Override
    protected NDArray inputStage(NDArray x, CausalAttention pass, Map<String, LowRank> lora) {
        return x.add(positions.of(pass)).reshape((long) pass.batchSize() * pass.length(), -1); // (B·T, C)
    }

    @Override
    protected NDArray finalStage(NDArray h, Map<String, LowRank> lora) {
        return finalNorm.apply(h); // (B·T, C)
    }
}
