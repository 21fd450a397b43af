package dev.promptlab.model.hf.bloom;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.promptlab.model.LowRank;
import dev.promptlab.model.ModelConfig;
import dev.promptlab.model.ModelInput;
import dev.promptlab.model.ModelOutput;
import dev.promptlab.model.hf.CausalAttention;
import dev.promptlab.model.hf.HfDecoder;
import dev.promptlab.model.hf.HfLayers;
import dev.promptlab.model.hf.HfWeights;
import dev.promptlab.tensor.Rng;
import dev.promptlab.tensor.Scalars;

import java.util.LinkedHashMap;
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
    /** BLOOM's GELU constant, 0.79788456 (sqrt(2/π) rounded as HF's bloom_gelu_forward writes it). */
    private static final double GELU_C = 0.79788456;
    private static final float GELU_K1 = (float) (2 * GELU_C);
    private static final float GELU_K2 = (float) (2 * GELU_C * 0.044715);

    private final BloomOptions options;
    private final float[] slopes;

    private Bloom(ModelConfig config, BloomOptions options, Map<String, NDArray> params, NDManager manager) {
        super(config, params, manager, P + "word_embeddings.weight");
        this.options = options;
        this.slopes = alibiSlopes(config.numHeads());
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

    /**
     * ALiBi slopes of {@code heads} heads as HF's {@code build_alibi_tensor} computes them (in
     * float32): with n the largest power of two <= heads, slope i = (2^(-8/n))^(i+1) for i < n, then
     * (2^(-4/n))^(1, 3, 5, ...) for the remaining heads.
     */
    public static float[] alibiSlopes(int heads) {
        int n = Integer.highestOneBit(heads);
        float base = (float) Math.pow(2, -8.0 / n);
        float extraBase = (float) Math.pow(2, -4.0 / n);
        float[] s = new float[heads];
        for (int i = 0; i < heads; i++) {
            s[i] = i < n ? (float) Math.pow(base, i + 1) : (float) Math.pow(extraBase, 2 * (i - n) + 1);
        }
        return s;
    }

    @Override
    public ModelOutput forward(ModelInput in) {
        final ModelConfig config = config();
        final int b = in.batchSize();
        final int t = in.length();
        final int c = config.hiddenSize();
        final int nh = config.numHeads();
        final int d = config.headSize();
        CausalAttention att = attention(in);
        Map<String, LowRank> lora = in.lowRank();

        NDArray x = inputVectors(in); // (B, T, C)
        NDManager tmp = x.getManager();
        att.addBias(alibi(att, tmp, b)); // (B, H, 1, S), folded into the mask once
        NDArray h = norm(x, "word_embeddings_layernorm").reshape(b * t, c); // (B·T, C)

        double invNorm = 1.0 / Math.sqrt(d);
        boolean post = options.residualPostLayerNorm();
        for (int l = 0; l < config.numLayers(); l++) {
            String p = "h." + l + ".";
            NDArray a = norm(h, p + "input_layernorm"); // (B·T, C)
            NDArray qkv = linear(a, p + "self_attention.query_key_value", lora); // (B·T, 3C), per head [q | k | v]
            NDList parts = qkv.reshape(b, t, nh, 3 * d).split(3, 3); // 3 × (B, T, H, D) views
            NDArray q = parts.get(0).transpose(0, 2, 1, 3); // (B, H, T, D)
            NDArray[] kv = att.extend(l, parts.get(1).transpose(0, 2, 1, 3),
                    parts.get(2).transpose(0, 2, 1, 3)); // 2 × (B, H, S, D)
            NDArray y = att.attend(q, kv[0], kv[1], invNorm); // (B·T, C)
            NDArray attended = (post ? a : h).add(linear(y, p + "self_attention.dense", lora)); // (B·T, C)
            NDArray m = norm(attended, p + "post_attention_layernorm"); // (B·T, C)
            NDArray f = geluBloom(linear(m, p + "mlp.dense_h_to_4h", lora)); // (B·T, 4C)
            h = (post ? m : attended).add(linear(f, p + "mlp.dense_4h_to_h", lora)); // (B·T, C)
        }
        h = norm(h, "ln_f"); // (B·T, C)
        NDArray logits = tiedLogits(h, b, t); // (B, T, V)
        NDArray hidden = in.returnHidden() ? h.reshape(b, t, c) : null; // (B, T, C)
        return new ModelOutput(logits, att.cache(), hidden);
    }

    /** slope_h · (cumsum(mask) - 1) · mask at every key position: (B, H, 1, S). */
    private NDArray alibi(CausalAttention att, NDManager tmp, int b) {
        long[] pos = att.maskPositions(); // (B·S), -1 at padding
        int s = att.total();
        int nh = slopes.length;
        float[] a = new float[b * nh * s];
        for (int r = 0; r < b; r++) {
            for (int hh = 0; hh < nh; hh++) {
                for (int j = 0; j < s; j++) {
                    a[(r * nh + hh) * s + j] = slopes[hh] * Math.max(0, pos[r * s + j]); // padding: 0, as HF's · mask
                }
            }
        }
        return tmp.create(a, new Shape(b, nh, 1, s)); // (B, H, 1, S)
    }

    /**
     * BLOOM's GELU, x · 0.5 · (1 + tanh(0.79788456 · x · (1 + 0.044715 x²))), computed as the
     * identical x · sigmoid(2 · 0.79788456 · x · (1 + 0.044715 x²)) (0.5(1 + tanh z) = sigmoid(2z)).
     */
    static NDArray geluBloom(NDArray x) {
        NDArray u = Scalars.mul(x.square(), GELU_K2).add(Scalars.like(x, GELU_K1)).mul(x); // (N, 4C)
        return x.mul(u.getNDArrayInternal().sigmoid()); // (N, 4C)
    }

    /** The linear layer {@code name} ("h.0.mlp.dense_h_to_4h") with its LoRA addition, if any. */
    private NDArray linear(NDArray x, String name, Map<String, LowRank> lora) {
        String w = P + name + ".weight";
        return HfLayers.linear(x, parameters().get(w), parameters().get(P + name + ".bias"), lora.get(w)); // (B·T, out)
    }

    private NDArray norm(NDArray x, String name) {
        return HfLayers.layerNorm(x, parameters().get(P + name + ".weight"), parameters().get(P + name + ".bias"),
                config().layerNormEps()); // same shape as x
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
