package dev.promptlab.model.hf.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import dev.promptlab.model.KeyValueCache;
import dev.promptlab.model.DecodingState;
import dev.promptlab.model.KvPrefix;
import dev.promptlab.model.LanguageModel;
import dev.promptlab.model.LowRank;
import dev.promptlab.model.ModelConfig;
import dev.promptlab.model.ModelInput;
import dev.promptlab.model.ModelOutput;
import dev.promptlab.tensor.Rng;
import dev.promptlab.tensor.Scalars;
import dev.promptlab.tensor.Scopes;

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
 * <p>Temporaries of a forward pass live in the manager of the input array (ids or embeddings);
 * weights never require gradients unless a caller sets it.
 */
public final class Llama implements LanguageModel {
    /** The architecture name its caches carry. */
    private static final String ARCH = "llama";
    /** Added to the scores of positions a query may not see; finite, so a fully masked row stays finite. */
    private static final float MASKED = -1e9f;

    private final ModelConfig config;
    private final LlamaSettings settings;
    private final NDManager manager;
    private final Map<String, NDArray> params;
    private final NDArray embedTokens;
    private final NDArray finalNorm;
    private final Linear lmHead;
    private final Layer[] layers;

    /** One linear layer: weight (out, in), optional bias (out), and its checkpoint name for LoRA lookup. */
    private record Linear(String name, NDArray weight, NDArray bias) {}

    private record Layer(NDArray inputNorm, Linear q, Linear k, Linear v, Linear o, NDArray postNorm, Linear gate,
            Linear up, Linear down) {}

    private Llama(ModelConfig config, LlamaSettings settings, Map<String, NDArray> params, NDManager manager) {
        this.config = config;
        this.settings = settings;
        this.manager = manager;
        this.params = params;
        this.embedTokens = params.get("model.embed_tokens.weight");
        this.finalNorm = params.get("model.norm.weight");
        this.lmHead = new Linear("lm_head.weight", settings.tied() ? embedTokens : params.get("lm_head.weight"), null);
        this.layers = new Layer[config.numLayers()];
        for (int i = 0; i < layers.length; i++) {
            String p = "model.layers." + i + ".";
            layers[i] = new Layer(params.get(p + "input_layernorm.weight"), linear(p + "self_attn.q_proj"),
                    linear(p + "self_attn.k_proj"), linear(p + "self_attn.v_proj"), linear(p + "self_attn.o_proj"),
                    params.get(p + "post_attention_layernorm.weight"), linear(p + "mlp.gate_proj"),
                    linear(p + "mlp.up_proj"), linear(p + "mlp.down_proj"));
        }
    }

    private Linear linear(String prefix) {
        return new Linear(prefix + ".weight", params.get(prefix + ".weight"), params.get(prefix + ".bias"));
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

    @Override
    public ModelConfig config() {
        return config;
    }

    /** The Hugging Face model_type this model was read as ("llama", "mistral" or "qwen2"). */
    public String modelType() {
        return settings.modelType();
    }

    @Override
    public int numKeyValueHeads() {
        return settings.kvHeads();
    }

    @Override
    public int headSize() {
        return settings.headDim();
    }

    @Override
    public NDArray inputEmbeddings() {
        return embedTokens; // (V, C)
    }

    @Override
    public NDArray embed(NDArray ids) {
        checkIds(ids);
        // The embedding op puts its result on the ids' manager (the step's), not the weight's.
        return embedTokens.getNDArrayInternal().embedding(ids, embedTokens, SparseFormat.DENSE)
                .singletonOrThrow(); // (B, T, C)
    }

    /** libtorch's embedding would abort the JVM on an id outside [0, V): fail with the id instead. */
    private void checkIds(NDArray ids) {
        long[] values = switch (ids.getDataType()) {
            case INT64 -> ids.toLongArray();
            case INT32 -> java.util.Arrays.stream(ids.toIntArray()).asLongStream().toArray();
            default -> throw new IllegalArgumentException("ids must be INT64 or INT32, got " + ids.getDataType());
        };
        for (long id : values) {
            if (id < 0 || id >= config.vocabSize()) {
                throw new IllegalArgumentException("token id " + id + " outside vocab_size " + config.vocabSize());
            }
        }
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
    public ModelOutput forward(ModelInput in) {
        NDManager tmp = (in.ids() != null ? in.ids() : in.embeddings()).getManager();
        final int b = in.batchSize();
        final int t = in.length();
        final int c = config.hiddenSize();
        final int nh = config.numHeads();
        final int d = settings.headDim();
        final Map<String, LowRank> lowRank = in.lowRank();

        KeyValueCache past = pastCache(in.past(), b);
        KvPrefix prefix = in.prefix();
        int prefixLen = prefix == null ? 0 : checkPrefix(prefix, b);
        if (past != null && prefix != null && past.prefixLength() != prefixLen) {
            throw new IllegalArgumentException("past cache holds a key/value prefix of " + past.prefixLength()
                    + " positions but the input carries one of " + prefixLen
                    + " (a prefix must come with the first call; later calls reuse the cached one)");
        }
        boolean prependPrefix = prefix != null && past == null;
        int start = past != null ? past.length() : prefixLen;
        int total = start + t; // S
        if (settings.slidingWindow() > 0 && total > settings.slidingWindow()) {
            throw new IllegalArgumentException(total + " positions (prefix, past and new tokens) exceed config.json's "
                    + "sliding_window " + settings.slidingWindow() + "; sliding-window attention is not implemented");
        }

        NDArray h = in.ids() != null ? embed(in.ids()) : in.embeddings(); // (B, T, C)
        if (h.getShape().get(2) != c) {
            throw new IllegalArgumentException("embeddings must be (B, T, " + c + "), got " + h.getShape());
        }
        NDArray[] rotary = rotaryTables(tmp, start, t); // cos, signed sin: (T, D) each
        NDArray mask = additiveMask(in.attentionMask(), tmp, b, t, start, total); // (B|1, 1, T, S) or null

        List<NDArray> cacheK = in.useCache() ? new ArrayList<>(layers.length) : null;
        List<NDArray> cacheV = in.useCache() ? new ArrayList<>(layers.length) : null;
        for (int l = 0; l < layers.length; l++) {
            Layer layer = layers[l];
            NDArray a = rmsNorm(h, layer.inputNorm); // (B, T, C)
            NDArray q = rotate(heads(apply(layer.q, a, lowRank), b, t, nh), rotary); // (B, H, T, D)
            NDArray k = rotate(heads(apply(layer.k, a, lowRank), b, t, settings.kvHeads()), rotary); // (B, KV, T, D)
            NDArray v = heads(apply(layer.v, a, lowRank), b, t, settings.kvHeads()); // (B, KV, T, D)
            if (past != null) {
                // Cached keys come first; the result would land on the cache's manager: move it to the step's.
                k = Scopes.into(tmp, past.keys(l).concat(k, 2)); // (B, KV, S, D)
                v = Scopes.into(tmp, past.values(l).concat(v, 2)); // (B, KV, S, D)
            } else if (prependPrefix) {
                k = Scopes.into(tmp, batched(prefix.keys().get(l), b, tmp).concat(k, 2)); // (B, KV, S, D)
                v = Scopes.into(tmp, batched(prefix.values().get(l), b, tmp).concat(v, 2)); // (B, KV, S, D)
            }
            if (cacheK != null) {
                cacheK.add(k);
                cacheV.add(v);
            }
            NDArray scores = Scalars.mul(q, 1.0 / Math.sqrt(d)) // (B, H, T, D), scaled by 1/sqrt(D)
                    .matMul(repeatKv(k).transpose(0, 1, 3, 2)); // (B, H, T, S)
            if (mask != null) {
                scores = scores.add(mask); // (B, H, T, S)
            }
            NDArray y = scores.softmax(-1).matMul(repeatKv(v)) // (B, H, T, D)
                    .transpose(0, 2, 1, 3).reshape(b, t, (long) nh * d); // (B, T, H·D)
            h = h.add(apply(layer.o, y, lowRank)); // (B, T, C)
            NDArray m = rmsNorm(h, layer.postNorm); // (B, T, C)
            NDArray gate = apply(layer.gate, m, lowRank); // (B, T, I)
            NDArray f = gate.mul(gate.getNDArrayInternal().sigmoid()).mul(apply(layer.up, m, lowRank)); // (B, T, I): silu(gate)·up
            h = h.add(apply(layer.down, f, lowRank)); // (B, T, C)
        }
        h = rmsNorm(h, finalNorm); // (B, T, C)
        NDArray logits = apply(lmHead, h, lowRank); // (B, T, V)

        KeyValueCache state = null;
        if (cacheK != null) {
            NDManager cm = tmp.newSubManager();
            for (int l = 0; l < layers.length; l++) {
                cacheK.get(l).attach(cm); // (B, KV, S, D)
                cacheV.get(l).attach(cm); // (B, KV, S, D)
            }
            state = new KeyValueCache(ARCH, cm, cacheK, cacheV, past != null ? past.prefixLength() : prefixLen);
        }
        return new ModelOutput(logits, state, in.returnHidden() ? h : null);
    }

    private KeyValueCache pastCache(DecodingState state, int b) {
        if (state == null) {
            return null;
        }
        if (!(state instanceof KeyValueCache cache) || !cache.arch().equals(ARCH)) {
            throw new IllegalArgumentException(settings.modelType() + " cannot continue from a "
                    + (state instanceof KeyValueCache c ? c.arch() + " cache" : state.getClass().getSimpleName())
                    + " (pass the cache an earlier forward returned)");
        }
        if (cache.layers() != layers.length || cache.batchSize() != b) {
            throw new IllegalArgumentException("past cache has " + cache.layers() + " layers and batch "
                    + cache.batchSize() + ", model has " + layers.length + " layers and the input batch " + b);
        }
        return cache;
    }

    /** Checks every layer's prefix is (B or 1, KV, P, D); returns P. */
    private int checkPrefix(KvPrefix prefix, int b) {
        if (prefix.layers() != layers.length) {
            throw new IllegalArgumentException("key/value prefix has " + prefix.layers() + " layers, model has "
                    + layers.length);
        }
        int p = prefix.length();
        for (int l = 0; l < prefix.layers(); l++) {
            for (NDArray a : List.of(prefix.keys().get(l), prefix.values().get(l))) {
                Shape s = a.getShape();
                boolean ok = s.dimension() == 4 && (s.get(0) == b || s.get(0) == 1) && s.get(1) == settings.kvHeads()
                        && s.get(2) == p && s.get(3) == settings.headDim();
                if (!ok) {
                    throw new IllegalArgumentException("key/value prefix of layer " + l + " must be (" + b + " or 1, "
                            + settings.kvHeads() + " key/value heads, " + p + ", " + settings.headDim() + "), got " + s);
                }
            }
        }
        return p;
    }

    /**
     * A (1, KV, P, D) prefix as a (B, KV, P, D) view in the step's manager (left on the prefix's
     * own manager, one view per layer and step would pile up there); a (B, KV, P, D) one as is.
     */
    private static NDArray batched(NDArray prefix, int b, NDManager tmp) {
        Shape s = prefix.getShape();
        if (s.get(0) == b) {
            return prefix; // (B, KV, P, D)
        }
        return Scopes.into(tmp, prefix.broadcast(new Shape(b, s.get(1), s.get(2), s.get(3)))); // (B, KV, P, D)
    }

    /** x·Wᵀ + bias (nn.Linear), plus the LoRA delta registered under the weight's name. */
    private static NDArray apply(Linear layer, NDArray x, Map<String, LowRank> lowRank) {
        // linear's result lands on x's manager (the step's), whatever the weight's manager is.
        NDArray y = x.getNDArrayInternal().linear(x, layer.weight, layer.bias).singletonOrThrow(); // (..., out)
        LowRank delta = lowRank.get(layer.name);
        return delta == null ? y : y.add(delta.delta(x)); // (..., out)
    }

    /** (B, T, N·D) → (B, N, T, D), a view. */
    private NDArray heads(NDArray x, int b, int t, int n) {
        return x.reshape(b, t, n, settings.headDim()).transpose(0, 2, 1, 3); // (B, N, T, D)
    }

    /** Query head h reads key/value head h / (H / KV): (B, KV, S, D) → (B, H, S, D), as HF's repeat_kv. */
    private NDArray repeatKv(NDArray x) {
        int groups = config.numHeads() / settings.kvHeads();
        if (groups == 1) {
            return x; // (B, H, S, D)
        }
        Shape s = x.getShape();
        return x.expandDims(2).broadcast(new Shape(s.get(0), s.get(1), groups, s.get(2), s.get(3))) // (B, KV, G, S, D)
                .reshape(s.get(0), s.get(1) * groups, s.get(2), s.get(3)); // (B, H, S, D)
    }

    /** RMSNorm in float32: x / sqrt(mean(x²) + eps) · w over the last axis. */
    private NDArray rmsNorm(NDArray x, NDArray weight) {
        NDArray meanSquare = x.square().mean(new int[] {-1}, true); // (B, T, 1)
        NDArray rms = meanSquare.add(Scalars.like(meanSquare, config.layerNormEps())).sqrt(); // (B, T, 1)
        return x.div(rms).mul(weight); // (B, T, C)
    }

    /**
     * cos(θ ++ θ) and (−sin θ ++ sin θ) for positions start .. start + T − 1, θ = pos · inv_freq:
     * computed in double on the host (T · D values) straight into the step's manager, so no
     * long-lived table is shared between steps.
     */
    private NDArray[] rotaryTables(NDManager tmp, int start, int t) {
        double[] inv = settings.inverseFrequencies();
        int half = inv.length;
        int d = 2 * half;
        float[] cos = new float[t * d];
        float[] sin = new float[t * d];
        for (int i = 0; i < t; i++) {
            for (int j = 0; j < half; j++) {
                double angle = (double) (start + i) * inv[j];
                float cs = (float) Math.cos(angle);
                float sn = (float) Math.sin(angle);
                cos[i * d + j] = cs;
                cos[i * d + half + j] = cs;
                sin[i * d + j] = -sn; // the first half receives −x₂ · sin
                sin[i * d + half + j] = sn; // the second half receives x₁ · sin
            }
        }
        return new NDArray[] {tmp.create(cos, new Shape(t, d)), tmp.create(sin, new Shape(t, d))}; // (T, D) each
    }

    /** x · cos + swap_halves(x) · signedSin, which is HF's x · cos + rotate_half(x) · sin. */
    private static NDArray rotate(NDArray x, NDArray[] rotary) {
        NDList halves = x.split(new long[] {x.getShape().get(3) / 2}, 3); // x₁, x₂: (B, N, T, D/2) each
        NDArray swapped = halves.get(1).concat(halves.get(0), 3); // (B, N, T, D): (x₂, x₁)
        return x.mul(rotary[0]).add(swapped.mul(rotary[1])); // (B, N, T, D)
    }

    /**
     * The additive mask (0 = may attend, {@link #MASKED} = may not): query i, at position start +
     * i, sees key j iff j <= start + i and the attention mask is non-zero at j. Causal and padding
     * parts are built on the host and combined once per forward; null when nothing is masked.
     */
    private static NDArray additiveMask(NDArray attentionMask, NDManager tmp, int b, int t, int start, int total) {
        NDArray causal = null;
        if (t > 1) {
            float[] m = new float[t * total];
            for (int i = 0; i < t; i++) {
                java.util.Arrays.fill(m, i * total + start + i + 1, (i + 1) * total, MASKED);
            }
            causal = tmp.create(m, new Shape(1, 1, t, total)); // (1, 1, T, S)
        }
        if (attentionMask == null) {
            return causal;
        }
        Shape ms = attentionMask.getShape();
        if (ms.dimension() != 2 || ms.get(0) != b || ms.get(1) != total) {
            throw new IllegalArgumentException("attention mask must be (B, S) = (" + b + ", " + total
                    + ") (S = prefix + past + new tokens), got " + ms);
        }
        float[] pad = new float[b * total];
        if (attentionMask.getDataType() == DataType.BOOLEAN) {
            boolean[] keep = attentionMask.toBooleanArray(); // (B·S)
            for (int i = 0; i < pad.length; i++) {
                pad[i] = keep[i] ? 0f : MASKED;
            }
        } else {
            Number[] keep = attentionMask.toArray(); // (B·S): boxed, but small, and any numeric dtype reads
            for (int i = 0; i < pad.length; i++) {
                pad[i] = keep[i].doubleValue() != 0 ? 0f : MASKED;
            }
        }
        NDArray padding = tmp.create(pad, new Shape(b, 1, 1, total)); // (B, 1, 1, S)
        return causal == null ? padding : padding.add(causal); // (B, 1, T, S)
    }

    @Override
    public String toString() {
        return "Llama(" + settings.modelType() + ", " + config + ")";
    }

    /** PEFT's default for llama, mistral and qwen2: the query and value projections. */
    @Override
    public java.util.List<String> defaultLoraTargets() {
        return java.util.List.of("q_proj", "v_proj");
    }
}
