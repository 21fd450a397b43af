package dev.promptlab.model.hf.bloom;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.promptlab.model.LowRank;
import dev.promptlab.model.ModelConfig;
import dev.promptlab.model.ModelInput;
import dev.promptlab.model.hf.Activation;
import dev.promptlab.model.hf.Alibi;
import dev.promptlab.model.hf.CausalAttention;
import dev.promptlab.model.hf.DecoderBlock;
import dev.promptlab.model.hf.Heads;
import dev.promptlab.model.hf.HfDecoder;
import dev.promptlab.model.hf.HfWeights;
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
 * BigScience's BLOOM, exactly as Hugging Face's {@code BloomForCausalLM} computes it: token
 * embeddings followed by a LayerNorm, no position embeddings but ALiBi (a per-head linear bias on
 * the attention scores), L pre-LayerNorm blocks (fused query/key/value projection, MLP of width
 * 4C with BLOOM's tanh GELU), a final LayerNorm and logits against the tied embeddings.
 *
 * <p>Weights carry HF's names and nn.Linear's (out, in) layout: {@code
 * transformer.word_embeddings.weight} (V, C), {@code transformer.word_embeddings_layernorm.*},
 * {@code transformer.h.{i}.input_layernorm.*}, {@code
 * transformer.h.{i}.self_attention.query_key_value.*} (3C, C) whose output rows are laid out per
 * head as [H, 3, D] (head h's query, key, value side by side), {@code ...self_attention.dense.*},
 * {@code ...post_attention_layernorm.*}, {@code ...mlp.dense_h_to_4h.*} (4C, C), {@code
 * ...mlp.dense_4h_to_h.*} (C, 4C), {@code transformer.ln_f.*}. Names without {@code
 * transformer.} load too, and {@code lm_head.weight} is ignored (tied), as in HF.
 *
 * <p>{@link ModelInput#lowRank()} additions apply to every linear layer by its weight name (e.g.
 * {@code transformer.h.0.self_attention.query_key_value.weight}, whose output keeps the per-head
 * [H, 3, D] layout, as PEFT's LoRA for BLOOM does).
 *
 * <p>ALiBi as HF's {@code build_alibi_tensor}: key j gets {@code slope_h · position_j} with
 * position = {@code (cumsum(mask) - 1) · mask} over prefix, past and new positions (prefix
 * positions count as the earliest ones), slopes geometric from 2^(-8/H') for the largest power of
 * two H' <= H plus every other slope of 2H' for the remaining heads. Softmax ignores the
 * per-query constant, so this equals the paper's -slope · distance. The rest of the contract
 * (prefix, cache, mask of S = start + T) is {@link CausalAttention}'s. There is no position
 * limit; {@code contextLength} (config.json's seq_length, default 2048) is advisory.
 */
public final class Bloom extends HfDecoder {
    static final String ARCH = "bloom";
    private static final String P = "transformer.";

    private final BloomOptions options;
    private final Alibi alibi;
    private final Norm embeddingNorm;
    private final Norm finalNorm;

    private Bloom(ModelConfig config, BloomOptions options, Map<String, NDArray> params, NDManager manager) {
        super(config, params, manager, P + "word_embeddings.weight",
                Heads.multiHead(config.numHeads(), config.headSize()), blocks(config, options, params), null);
        this.options = options;
        this.alibi = new Alibi(config.numHeads());
        this.embeddingNorm = Norm.layerNorm(params, P + "word_embeddings_layernorm", config.layerNormEps());
        this.finalNorm = Norm.layerNorm(params, P + "ln_f", config.layerNormEps());
    }

    /** Layer i: LayerNorm, attention over the per-head fused query_key_value, LayerNorm, a 4C GELU MLP. */
    private static List<DecoderBlock> blocks(ModelConfig c, BloomOptions o, Map<String, NDArray> w) {
        Heads heads = Heads.multiHead(c.numHeads(), c.headSize());
        List<DecoderBlock> blocks = new ArrayList<>();
        for (int i = 0; i < c.numLayers(); i++) {
            String p = P + "h." + i + ".";
            SelfAttention attention = new SelfAttention(i,
                    QkvProjection.perHead(Linear.of(w, p + "self_attention.query_key_value"), heads),
                    Linear.of(w, p + "self_attention.dense"));
            Mlp mlp = new Mlp.FeedForward(Linear.of(w, p + "mlp.dense_h_to_4h"), Linear.of(w, p + "mlp.dense_4h_to_h"),
                    Activation.GELU_TANH);
            blocks.add(new DecoderBlock(Norm.layerNorm(w, p + "input_layernorm", c.layerNormEps()), attention,
                    Norm.layerNorm(w, p + "post_attention_layernorm", c.layerNormEps()), mlp,
                    o.residualPostLayerNorm() ? DecoderBlock.Residual.FROM_NORMED : DecoderBlock.Residual.PRE_NORM));
        }
        return blocks;
    }

    /** Every weight name with its shape, in checkpoint order. */
    public static Map<String, Shape> expectedShapes(ModelConfig c) {
        if (c.numHeads() <= 0 || c.innerSize() != 4 * c.hiddenSize()) {
            throw new IllegalArgumentException("bloom needs heads > 0 and an MLP 4 × hidden size wide, got heads "
                    + c.numHeads() + ", inner size " + c.innerSize() + " for hidden size " + c.hiddenSize());
        }
        long d = c.hiddenSize();
        Map<String, Shape> s = new LinkedHashMap<>();
        s.put(P + "word_embeddings.weight", new Shape(c.vocabSize(), d));
        s.put(P + "word_embeddings_layernorm.weight", new Shape(d));
        s.put(P + "word_embeddings_layernorm.bias", new Shape(d));
        for (int i = 0; i < c.numLayers(); i++) {
            String p = P + "h." + i + ".";
            s.put(p + "input_layernorm.weight", new Shape(d));
            s.put(p + "input_layernorm.bias", new Shape(d));
            s.put(p + "self_attention.query_key_value.weight", new Shape(3 * d, d));
            s.put(p + "self_attention.query_key_value.bias", new Shape(3 * d));
            s.put(p + "self_attention.dense.weight", new Shape(d, d));
            s.put(p + "self_attention.dense.bias", new Shape(d));
            s.put(p + "post_attention_layernorm.weight", new Shape(d));
            s.put(p + "post_attention_layernorm.bias", new Shape(d));
            s.put(p + "mlp.dense_h_to_4h.weight", new Shape(4 * d, d));
            s.put(p + "mlp.dense_h_to_4h.bias", new Shape(4 * d));
            s.put(p + "mlp.dense_4h_to_h.weight", new Shape(d, 4 * d));
            s.put(p + "mlp.dense_4h_to_h.bias", new Shape(d));
        }
        s.put(P + "ln_f.weight", new Shape(d));
        s.put(P + "ln_f.bias", new Shape(d));
        return s;
    }

    /**
     * HF's BLOOM initialisation, deterministic in {@code rng}: matrices normal(0,
     * initializer_range), biases zero, LayerNorm gains one. Weights live in a new child manager.
     */
    public static Bloom init(ModelConfig config, NDManager manager, Rng rng) {
        NDManager own = manager.newSubManager();
        Map<String, NDArray> w = HfWeights.init(expectedShapes(config), BloomOptions.of(config).initStd(),
                n -> (n.contains("layernorm") || n.contains("ln_f")) && n.endsWith(".weight"), rng, own);
        return fromWeights(config, w, own);
    }

    /**
     * A model over loaded weights, which are attached to {@code manager} (the model's manager from
     * then on). Fails naming every missing, unexpected or mis-shaped tensor.
     */
    public static Bloom fromWeights(ModelConfig config, Map<String, NDArray> weights, NDManager manager) {
        BloomOptions o = BloomOptions.of(config);
        Map<String, NDArray> taken = HfWeights.take(ARCH, expectedShapes(config), weights, P,
                n -> n.equals("lm_head.weight"), manager);
        return new Bloom(config, o, taken, manager);
    }

    /** ALiBi slopes of {@code heads} heads as HF's {@code build_alibi_tensor} computes them ({@link Alibi#slopes}). */
    public static float[] alibiSlopes(int heads) {
        return Alibi.slopes(heads);
    }

    /** The embedding LayerNorm, after ALiBi's bias joins the pass's mask (once for every layer). */
    @Override
    protected NDArray inputStage(NDArray x, CausalAttention pass, Map<String, LowRank> lora) {
        pass.addBias(alibi.bias(pass)); // (B|1, H, 1, S)
        return embeddingNorm.apply(x).reshape((long) pass.batchSize() * pass.length(), -1); // (B·T, C)
    }

    @Override
    protected NDArray finalStage(NDArray h, Map<String, LowRank> lora) {
        return finalNorm.apply(h); // (B·T, C)
    }

    @Override
    public String toString() {
        return "Bloom(" + config() + ", " + options + ")";
    }

    /** PEFT's default for bloom: the fused query/key/value projection. */
    @Override
    public java.util.List<String> defaultLoraTargets() {
        return java.util.List.of("query_key_value");
    }
}
