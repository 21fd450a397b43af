package dev.promptlab.model.hf.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.promptlab.model.LowRank;
import dev.promptlab.model.ModelConfig;
import dev.promptlab.model.hf.CausalAttention;
import dev.promptlab.model.hf.DecoderBlock;
import dev.promptlab.model.hf.Heads;
import dev.promptlab.model.hf.HfDecoder;
import dev.promptlab.model.hf.Linear;
import dev.promptlab.model.hf.Mlp;
import dev.promptlab.model.hf.Norm;
import dev.promptlab.model.hf.QkvProjection;
import dev.promptlab.model.hf.Rotary;
import dev.promptlab.model.hf.SelfAttention;
import dev.promptlab.tensor.Rng;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Hugging Face's {@code LlamaForCausalLM} (and {@code MistralForCausalLM}, {@code
 * Qwen2ForCausalLM}, which compute the same network): token embeddings, L pre-norm blocks of
 * RMSNorm → grouped-query self-attention with rotary position embeddings → residual, RMSNorm →
 * SwiGLU MLP → residual, a final RMSNorm and the output projection.
 *
 * <p>Weights carry the checkpoint names and nn.Linear's (out, in) layout: {@code
 * model.embed_tokens.weight} (V, C); per layer {@code model.layers.{i}.input_layernorm.weight}
 * (C), {@code self_attn.q_proj.weight} (H·D, C), {@code k_proj} and {@code v_proj} (KV·D, C),
 * {@code o_proj} (C, H·D), their biases where the config has them, {@code
 * post_attention_layernorm.weight} (C), {@code mlp.gate_proj} and {@code up_proj} (I, C), {@code
 * down_proj} (C, I); {@code model.norm.weight} (C); {@code lm_head.weight} (V, C) unless
 * tie_word_embeddings.
 *
 * <p>Equations: RMSNorm(x) = x / sqrt(mean(x²) + eps) · w, in float32. RoPE in the rotate_half
 * convention (the first half of each head pairs with the second half, not interleaved): with
 * θ_i = pos · inv_freq_i, inv_freq_i = 1 / theta^(2i/D), x' = x · cos(θ ++ θ) + rotate_half(x) ·
 * sin(θ ++ θ), rotate_half(x) = (−x₂, x₁). Query head h reads key/value head h / (H / KV).
 * Scores are q·kᵀ / sqrt(D); MLP(x) = down(silu(gate(x)) ⊙ up(x)).
 *
 * <p>Positions: the new tokens of a call sit at start .. start + T − 1 with start = P (the
 * key/value prefix length) without {@code past}, else {@code past.length()}; that is Hugging
 * Face's default {@code cache_position}, which ignores the attention mask. Prefix keys are used
 * as given, never rotated, as HF uses {@code past_key_values}. With left padding the real tokens
 * therefore sit at shifted positions (HF's {@code generate} instead derives position_ids from the
 * mask); since RoPE scores depend only on the distance between query and key, the logits of the
 * real tokens are the same up to float rounding either way. Positions beyond
 * max_position_embeddings are computed as HF does, without an error.
 *
 * <p>Built from the shared decoder pieces of {@code model.hf} ({@link HfDecoder}); the family's
 * own part is its weight names, its settings ({@link LlamaSettings}) and the sliding-window check.
 * Temporaries of a forward pass live in the manager of the input array (ids or embeddings);
 * weights never require gradients unless a caller sets it.
 */
public final class Llama extends HfDecoder {
    private final LlamaSettings settings;
    private final Rotary rotary;
    private final Norm finalNorm;

    private Llama(ModelConfig config, LlamaSettings settings, Map<String, NDArray> params, NDManager manager) {
        super(config, params, manager, "model.embed_tokens.weight", heads(config, settings),
                blocks(config, settings, params), settings.tied() ? null : "lm_head.weight");
        this.settings = settings;
        this.rotary = new Rotary(settings.inverseFrequencies());
        this.finalNorm = new Norm.RmsNorm(params.get("model.norm.weight"), config.layerNormEps());
    }

    private static Heads heads(ModelConfig c, LlamaSettings s) {
        return new Heads(c.numHeads(), s.kvHeads(), s.headDim());
    }

    /** Layer i: RMSNorm, grouped-query attention over q/k/v_proj and o_proj, RMSNorm, SwiGLU. */
    private static List<DecoderBlock> blocks(ModelConfig c, LlamaSettings s, Map<String, NDArray> w) {
        List<DecoderBlock> blocks = new ArrayList<>();
        for (int i = 0; i < c.numLayers(); i++) {
            String p = "model.layers." + i + ".";
            SelfAttention attention = new SelfAttention(i, QkvProjection.separate(Linear.of(w, p + "self_attn.q_proj"),
                    Linear.of(w, p + "self_attn.k_proj"), Linear.of(w, p + "self_attn.v_proj"), heads(c, s)),
                    Linear.of(w, p + "self_attn.o_proj"));
            Mlp mlp = new Mlp.Gated(Linear.of(w, p + "mlp.gate_proj"), Linear.of(w, p + "mlp.up_proj"),
                    Linear.of(w, p + "mlp.down_proj"));
            blocks.add(new DecoderBlock(new Norm.RmsNorm(w.get(p + "input_layernorm.weight"), c.layerNormEps()),
                    attention, new Norm.RmsNorm(w.get(p + "post_attention_layernorm.weight"), c.layerNormEps()), mlp,
                    DecoderBlock.Residual.PRE_NORM));
        }
        return blocks;
    }

    /** Every weight name with its shape, in checkpoint order (embeddings, layers, final norm, head). */
    public static Map<String, Shape> expectedShapes(ModelConfig c) {
        LlamaSettings s = settings(c);
        long v = c.vocabSize();
        long hidden = c.hiddenSize();
        long q = (long) c.numHeads() * s.headDim();
        long kv = (long) s.kvHeads() * s.headDim();
        long inner = c.innerSize();
        Map<String, Shape> out = new LinkedHashMap<>();
        out.put("model.embed_tokens.weight", new Shape(v, hidden));
        for (int i = 0; i < c.numLayers(); i++) {
            String p = "model.layers." + i + ".";
            out.put(p + "input_layernorm.weight", new Shape(hidden));
            putLinear(out, p + "self_attn.q_proj", q, hidden, s.qkvBias());
            putLinear(out, p + "self_attn.k_proj", kv, hidden, s.qkvBias());
            putLinear(out, p + "self_attn.v_proj", kv, hidden, s.qkvBias());
            putLinear(out, p + "self_attn.o_proj", hidden, q, s.outBias());
            out.put(p + "post_attention_layernorm.weight", new Shape(hidden));
            putLinear(out, p + "mlp.gate_proj", inner, hidden, s.mlpBias());
            putLinear(out, p + "mlp.up_proj", inner, hidden, s.mlpBias());
            putLinear(out, p + "mlp.down_proj", hidden, inner, s.mlpBias());
        }
        out.put("model.norm.weight", new Shape(hidden));
        if (!s.tied()) {
            out.put("lm_head.weight", new Shape(v, hidden));
        }
        return out;
    }

    private static void putLinear(Map<String, Shape> out, String prefix, long outFeatures, long inFeatures,
            boolean bias) {
        out.put(prefix + ".weight", new Shape(outFeatures, inFeatures));
        if (bias) {
            out.put(prefix + ".bias", new Shape(outFeatures));
        }
    }

    private static LlamaSettings settings(ModelConfig c) {
        if (c.numHeads() <= 0 || c.innerSize() <= 0) {
            throw new IllegalArgumentException("llama needs heads > 0 and intermediate size > 0, got heads "
                    + c.numHeads() + ", intermediate size " + c.innerSize());
        }
        return LlamaSettings.of(c);
    }

    /**
     * Fresh weights as transformers' {@code _init_weights} makes them, deterministic in {@code
     * rng}: every linear and embedding weight normal(0, initializer_range = 0.02 by default),
     * biases zero, RMSNorm weights one. Weights live in a new child manager of {@code manager}.
     */
    public static Llama init(ModelConfig config, NDManager manager, Rng rng) {
        double std = settings(config).initStd();
        NDManager own = manager.newSubManager();
        Map<String, NDArray> w = new LinkedHashMap<>();
        for (Map.Entry<String, Shape> e : expectedShapes(config).entrySet()) {
            Shape shape = e.getValue();
            int n = Math.toIntExact(shape.size());
            String name = e.getKey();
            NDArray a;
            if (name.endsWith("norm.weight")) {
                a = own.ones(shape); // (C)
            } else if (name.endsWith(".bias")) {
                a = own.zeros(shape); // (out)
            } else {
                a = own.create(rng.gaussians(n, std), shape); // (out, in) or (V, C)
            }
            w.put(name, a);
        }
        return fromWeights(config, w, own);
    }

    /**
     * A model over loaded weights, which are attached to {@code manager} (the model's manager from
     * then on). Ignores {@code lm_head.weight} when the config ties it to the embeddings (some
     * tied checkpoints store it anyway) and the {@code rotary_emb.inv_freq} buffers of old
     * checkpoints; fails naming every missing, unexpected or mis-shaped tensor.
     */
    public static Llama fromWeights(ModelConfig config, Map<String, NDArray> weights, NDManager manager) {
        LlamaSettings s = settings(config);
        Map<String, Shape> expected = expectedShapes(config);
        List<String> problems = new ArrayList<>();
        List<String> unexpected = new ArrayList<>();
        for (String name : weights.keySet()) {
            boolean ignored = name.endsWith(".rotary_emb.inv_freq") || (s.tied() && name.equals("lm_head.weight"));
            if (!ignored && !expected.containsKey(name)) {
                unexpected.add("'" + name + "'");
            }
        }
        List<String> missing = new ArrayList<>();
        for (Map.Entry<String, Shape> e : expected.entrySet()) {
            NDArray a = weights.get(e.getKey());
            if (a == null) {
                missing.add("'" + e.getKey() + "'");
            } else if (!a.getShape().equals(e.getValue())) {
                problems.add("tensor '" + e.getKey() + "' has shape " + a.getShape() + ", expected " + e.getValue());
            } else if (a.getDataType() != DataType.FLOAT32) {
                problems.add("tensor '" + e.getKey() + "' has dtype " + a.getDataType() + ", expected FLOAT32");
            }
        }
        if (!missing.isEmpty()) {
            problems.add(0, "missing " + abbreviate(missing));
        }
        if (!unexpected.isEmpty()) {
            problems.add("unexpected " + abbreviate(unexpected) + " (does config.json match the weights?)");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(s.modelType() + " weights do not match config.json: "
                    + String.join("; ", problems));
        }
        Map<String, NDArray> taken = new LinkedHashMap<>();
        for (String name : expected.keySet()) {
            NDArray a = weights.get(name);
            a.attach(manager);
            a.setName(name);
            taken.put(name, a);
        }
        return new Llama(config, s, Collections.unmodifiableMap(taken), manager);
    }

    private static String abbreviate(List<String> names) {
        String head = String.join(", ", names.subList(0, Math.min(8, names.size())));
        return (names.size() == 1 ? "tensor " : "tensors ") + head
                + (names.size() > 8 ? " and " + (names.size() - 8) + " more" : "");
    }

    /** The Hugging Face model_type this model was read as ("llama", "mistral" or "qwen2"). */
    public String modelType() {
        return settings.modelType();
    }

    /** Checks the sliding window, then rotates every layer's queries and keys at the pass's positions. */
    @Override
    protected NDArray inputStage(NDArray x, CausalAttention pass, Map<String, LowRank> lora) {
        if (settings.slidingWindow() > 0 && pass.total() > settings.slidingWindow()) {
            throw new IllegalArgumentException(pass.total() + " positions (prefix, past and new tokens) exceed "
                    + "config.json's sliding_window " + settings.slidingWindow()
                    + "; sliding-window attention is not implemented");
        }
        pass.useRotary(rotary);
        return x.reshape((long) pass.batchSize() * pass.length(), -1); // (B·T, C)
    }

    @Override
    protected NDArray finalStage(NDArray h, Map<String, LowRank> lora) {
        return finalNorm.apply(h); // (B·T, C)
    }

    @Override
    public String toString() {
        return "Llama(" + settings.modelType() + ", " + config() + ")";
    }

    /** PEFT's default for llama, mistral and qwen2: the query and value projections. */
    @Override
    public java.util.List<String> defaultLoraTargets() {
        return java.util.List.of("q_proj", "v_proj");
    }
}
