package dev.promptlab.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import dev.promptlab.tensor.Rng;
import dev.promptlab.tensor.Scalars;

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
 * <p>Temporaries of a forward pass live in the manager of the input array (ids or embeddings);
 * weights never require gradients unless a caller sets it.
 */
public final class Gpt implements LanguageModel {
    /** Added to the scores of positions a query may not attend to (finite: a fully masked row stays finite). */
    private static final float MASKED = -1e9f;
    private static final float GELU_K1 = (float) (2 * Math.sqrt(2 / Math.PI));
    private static final float GELU_K2 = (float) (2 * Math.sqrt(2 / Math.PI) * 0.044715);

    private final ModelConfig config;
    private final NDManager manager;
    private final Map<String, NDArray> params;
    private final NDArray wte;
    private final NDArray wpe;
    private final NDArray lnfW;
    private final NDArray lnfB;
    private final Block[] blocks;

    /** The linear layers' weight names within a block; each may carry a {@link LowRank} addition. */
    private static final List<String> LINEAR = List.of("attn.c_attn.weight", "attn.c_proj.weight", "mlp.c_fc.weight",
            "mlp.c_proj.weight");

    private record Block(String name, NDArray ln1W, NDArray ln1B, NDArray attnW, NDArray attnB, NDArray attnProjW,
            NDArray attnProjB, NDArray ln2W, NDArray ln2B, NDArray fcW, NDArray fcB, NDArray fcProjW,
            NDArray fcProjB) {}

    private Gpt(ModelConfig config, Map<String, NDArray> params, NDManager manager) {
        this.config = config;
        this.manager = manager;
        this.params = params;
        this.wte = params.get("wte.weight");
        this.wpe = params.get("wpe.weight");
        this.lnfW = params.get("ln_f.weight");
        this.lnfB = params.get("ln_f.bias");
        this.blocks = new Block[config.numLayers()];
        for (int i = 0; i < blocks.length; i++) {
            String p = "h." + i + ".";
            blocks[i] = new Block(p, params.get(p + "ln_1.weight"), params.get(p + "ln_1.bias"),
                    params.get(p + "attn.c_attn.weight"), params.get(p + "attn.c_attn.bias"),
                    params.get(p + "attn.c_proj.weight"), params.get(p + "attn.c_proj.bias"),
                    params.get(p + "ln_2.weight"), params.get(p + "ln_2.bias"),
                    params.get(p + "mlp.c_fc.weight"), params.get(p + "mlp.c_fc.bias"),
                    params.get(p + "mlp.c_proj.weight"), params.get(p + "mlp.c_proj.bias"));
        }
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
        return "transformer." + LanguageModel.super.modulePath(weightName);
    }

    @Override
    public ModelOutput forward(ModelInput in) {
        NDArray source = in.ids() != null ? in.ids() : in.embeddings();
        NDManager tmp = source.getManager();
        final int b = in.batchSize();
        final int t = in.length();
        final int c = config.hiddenSize();
        final int nh = config.numHeads();
        final int d = config.headSize();
        final int nl = config.numLayers();

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
        if (total > config.contextLength()) {
            throw new IllegalArgumentException("positions " + start + ".." + (total - 1) + " exceed n_positions "
                    + config.contextLength() + " (prefix " + prefixLen + ", past "
                    + (past == null ? 0 : past.length() - past.prefixLength()) + ", new tokens " + t + ")");
        }

        NDArray x = in.ids() != null ? embed(in.ids()) : in.embeddings(); // (B, T, C)
        if (x.getShape().get(2) != c) {
            throw new IllegalArgumentException("embeddings must be (B, T, " + c + "), got " + x.getShape());
        }
        NDArray posIds = tmp.arange(start, total, 1, DataType.INT64); // (T)
        NDArray pos = wpe.getNDArrayInternal().embedding(posIds, wpe, SparseFormat.DENSE).singletonOrThrow(); // (T, C)
        NDArray h = x.add(pos).reshape(b * t, c); // (B·T, C)
        NDArray mask = additiveMask(in.attentionMask(), tmp, b, t, start, total); // (B|1, 1, T, S) or null

        float scale = (float) (1.0 / Math.sqrt(d));
        List<NDArray> cacheK = in.useCache() ? new ArrayList<>(nl) : null;
        List<NDArray> cacheV = in.useCache() ? new ArrayList<>(nl) : null;
        for (int l = 0; l < nl; l++) {
            Block blk = blocks[l];
            NDArray a = layerNorm(h, blk.ln1W, blk.ln1B); // (B·T, C)
            NDArray qkv = conv1d(a, blk.attnW, blk.attnB, in.lowRank().get(blk.name + LINEAR.get(0))); // (B·T, 3C)
            NDList parts = qkv.split(new long[] {c, 2L * c}, 1); // 3 × (B·T, C) views
            NDArray q = Scalars.mul(heads(parts.get(0), b, t, nh, d), scale); // (B, H, T, D), scaled by 1/sqrt(D)
            NDArray k = heads(parts.get(1), b, t, nh, d); // (B, H, T, D)
            NDArray v = heads(parts.get(2), b, t, nh, d); // (B, H, T, D)
            if (past != null) {
                k = onManager(past.keys(l).concat(k, 2), tmp); // (B, H, S, D)
                v = onManager(past.values(l).concat(v, 2), tmp); // (B, H, S, D)
            } else if (prependPrefix) {
                k = onManager(batched(prefix.keys().get(l), b, tmp).concat(k, 2), tmp); // (B, H, S, D)
                v = onManager(batched(prefix.values().get(l), b, tmp).concat(v, 2), tmp); // (B, H, S, D)
            }
            if (cacheK != null) {
                cacheK.add(k);
                cacheV.add(v);
            }
            NDArray scores = q.matMul(k.transpose(0, 1, 3, 2)); // (B, H, T, S)
            if (mask != null) {
                scores = scores.add(mask); // (B, H, T, S)
            }
            NDArray att = scores.softmax(-1); // (B, H, T, S)
            NDArray y = att.matMul(v).transpose(0, 2, 1, 3).reshape(b * t, c); // (B·T, C)
            h = h.add(conv1d(y, blk.attnProjW, blk.attnProjB, in.lowRank().get(blk.name + LINEAR.get(1)))); // (B·T, C)
            NDArray m = layerNorm(h, blk.ln2W, blk.ln2B); // (B·T, C)
            NDArray f = geluTanh(conv1d(m, blk.fcW, blk.fcB, in.lowRank().get(blk.name + LINEAR.get(2)))); // (B·T, 4C)
            h = h.add(conv1d(f, blk.fcProjW, blk.fcProjB, in.lowRank().get(blk.name + LINEAR.get(3)))); // (B·T, C)
        }
        h = layerNorm(h, lnfW, lnfB); // (B·T, C)
        NDArray wteT = onManager(wte.transpose(1, 0), tmp); // (C, V) view
        NDArray logits = h.matMul(wteT).reshape(b, t, config.vocabSize()); // (B, T, V)

        KeyValueCache state = null;
        if (cacheK != null) {
            NDManager cm = tmp.newSubManager();
            for (int l = 0; l < nl; l++) {
                cacheK.get(l).attach(cm); // (B, H, S, D)
                cacheV.get(l).attach(cm); // (B, H, S, D)
            }
            state = new KeyValueCache("gpt", cm, cacheK, cacheV, past != null ? past.prefixLength() : prefixLen);
        }
        NDArray hidden = in.returnHidden() ? h.reshape(b, t, c) : null; // (B, T, C)
        return new ModelOutput(logits, state, hidden);
    }

    private static String describe(DecodingState state) {
        return state instanceof KeyValueCache c ? c.arch() + " cache" : state.getClass().getSimpleName();
    }

    private KeyValueCache pastCache(DecodingState state, int b) {
        if (state == null) {
            return null;
        }
        if (!(state instanceof KeyValueCache cache) || !cache.arch().equals("gpt")) {
            throw new IllegalArgumentException("gpt cannot continue from a " + describe(state)
                    + " (pass the cache an earlier gpt forward returned)");
        }
        if (cache.layers() != config.numLayers() || cache.batchSize() != b) {
            throw new IllegalArgumentException("past cache has " + cache.layers() + " layers and batch "
                    + cache.batchSize() + ", model has " + config.numLayers() + " layers and the input batch " + b);
        }
        return cache;
    }

    private int checkPrefix(KvPrefix prefix, int b) {
        if (prefix.layers() != config.numLayers()) {
            throw new IllegalArgumentException("key/value prefix has " + prefix.layers() + " layers, model has "
                    + config.numLayers());
        }
        int p = prefix.length();
        for (int l = 0; l < prefix.layers(); l++) {
            for (NDArray a : List.of(prefix.keys().get(l), prefix.values().get(l))) {
                Shape s = a.getShape();
                if (s.dimension() != 4 || (s.get(0) != b && s.get(0) != 1) || s.get(1) != config.numHeads()
                        || s.get(2) != p || s.get(3) != config.headSize()) {
                    throw new IllegalArgumentException("key/value prefix of layer " + l + " must be (" + b + " or 1, "
                            + config.numHeads() + ", " + p + ", " + config.headSize() + "), got " + s);
                }
            }
        }
        return p;
    }

    /** A (1, H, P, D) prefix broadcast to (B, H, P, D) (a view); (B, H, P, D) as is. */
    /** The prefix for all B rows; a broadcast view goes into {@code tmp}, not the prefix's long-lived manager. */
    private static NDArray batched(NDArray prefix, int b, NDManager tmp) {
        Shape s = prefix.getShape();
        return s.get(0) == b ? prefix
                : onManager(prefix.broadcast(new Shape(b, s.get(1), s.get(2), s.get(3))), tmp); // (B, H, P, D)
    }

    /**
     * Additive attention mask, built once per forward: 0 where a query may attend, {@link #MASKED}
     * elsewhere. Query i (absolute position start + i) sees key j iff j <= start + i and
     * {@code attentionMask[b, j] == 1}. Null when nothing is masked (a single new token, no padding).
     */
    private static NDArray additiveMask(NDArray attentionMask, NDManager tmp, int b, int t, int start, int total) {
        NDArray causal = null;
        if (t > 1) {
            float[] m = new float[t * total];
            for (int i = 0; i < t; i++) {
                for (int j = start + i + 1; j < total; j++) {
                    m[i * total + j] = MASKED;
                }
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
        NDArray pad = attentionMask.toType(DataType.FLOAT32, false).sub(1f).mul(-MASKED) // (B, S): 0 or MASKED
                .reshape(b, 1, 1, total); // (B, 1, 1, S)
        pad = onManager(pad, tmp);
        return causal == null ? pad : pad.add(causal); // (B, 1, T, S)
    }

    /** (B·T, C) slice of the fused projection → (B, H, T, D), a view. */
    private static NDArray heads(NDArray x, int b, int t, int nh, int d) {
        return x.reshape(b, t, nh, d).transpose(0, 2, 1, 3); // (B, H, T, D)
    }

    /**
     * Hugging Face Conv1D: x (N, in) · w (in, out) + bias (out), fused as addmm, plus the LoRA
     * addition of this layer when there is one (Conv1D's (in, out) weight has LowRank's orientation).
     */
    private static NDArray conv1d(NDArray x, NDArray w, NDArray bias, LowRank lora) {
        NDArray wT = onManager(w.transpose(1, 0), x.getManager()); // (out, in) view of the (in, out) weight
        NDArray y = x.getNDArrayInternal().linear(x, wT, bias).singletonOrThrow(); // (N, out)
        // the LoRA matrices are long-lived: keep the product on the step's manager, not theirs
        return lora == null ? y : y.add(onManager(lora.delta(x), x.getManager())); // (N, out)
    }

    private NDArray layerNorm(NDArray x, NDArray gamma, NDArray beta) {
        return x.getNDArrayInternal().layerNorm(x, new Shape(x.getShape().get(x.getShape().dimension() - 1)), gamma,
                beta, (float) config.layerNormEps()).singletonOrThrow(); // same shape as x
    }

    /**
     * GELU, tanh form: 0.5 x (1 + tanh(sqrt(2/π)(x + 0.044715 x³))), computed as the identical
     * x · sigmoid(2 sqrt(2/π)(x + 0.044715 x³)) (0.5(1 + tanh z) = sigmoid(2z)): fewer passes.
     */
    static NDArray geluTanh(NDArray x) {
        NDArray u = Scalars.mul(x.square(), GELU_K2).add(Scalars.like(x, GELU_K1)).mul(x); // (N, 4C)
        return x.mul(u.getNDArrayInternal().sigmoid()); // (N, 4C)
    }

    /** Moves a freshly created array to {@code m} when an op placed it on another manager. */
    private static NDArray onManager(NDArray a, NDManager m) {
        if (a.getManager() != m) {
            a.attach(m);
        }
        return a;
    }

    @Override
    public String toString() {
        return "Gpt(" + config + ")";
    }
}
