package dev.promptlab.model.hf;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.promptlab.model.DecodingState;
import dev.promptlab.model.KeyValueCache;
import dev.promptlab.model.KvPrefix;
import dev.promptlab.model.ModelInput;
import dev.promptlab.tensor.Scalars;
import dev.promptlab.tensor.Scopes;

import java.util.ArrayList;
import java.util.List;

/**
 * One forward pass of a causal decoder as its attention layers share it: where the new tokens
 * start, the additive mask (causal, padding, and any position bias such as ALiBi) built once for
 * every layer, the rotary tables when the architecture rotates, the key/value prefix and past
 * cache prepended to each layer's keys and values, the cache handed to the next call, and the
 * scaled dot-product attention itself ({@link #attend}).
 *
 * <p>Contract: the first new token sits at position P (the prefix length) without {@code past},
 * or at {@code past.length()} (which counts the prefix) with one. A {@link KvPrefix} passed
 * together with a {@code past} cache is not prepended again (the cache holds it); its length must
 * then match the cache's prefix. The attention mask covers S = start + T positions (prefix, past,
 * new tokens) with 1 = attend, 0 = padding; causality is applied on top.
 *
 * <p>Every temporary lives in the manager of the input array (ids or embeddings).
 */
public final class CausalAttention {
    /**
     * Added to the score of a key a query may not see: the one masking constant of the code base.
     * Finite, so that a fully masked row stays finite (a uniform softmax, not NaN).
     */
    public static final float MASKED = -1e9f;

    private final String arch;
    private final NDManager tmp;
    private final int b;
    private final int t;
    private final Heads heads;
    private final KeyValueCache past;
    private final KvPrefix prepend;
    private final int prefixLength;
    private final int start;
    /** The attention mask as 0/1 floats (B·S), or null when every position is real. */
    private final float[] mask;
    private NDArray bias;
    private NDArray groupedBias;
    private NDArray scale;
    private NDArray[] rotary;
    private final List<NDArray> cacheK;
    private final List<NDArray> cacheV;

    private CausalAttention(String arch, NDManager tmp, int b, int t, Heads heads, KeyValueCache past,
            KvPrefix prepend, int prefixLength, float[] mask, boolean useCache) {
        this.arch = arch;
        this.tmp = tmp;
        this.b = b;
        this.t = t;
        this.heads = heads;
        this.past = past;
        this.prepend = prepend;
        this.prefixLength = prefixLength;
        this.start = past != null ? past.length() : prefixLength;
        this.mask = mask;
        this.cacheK = useCache ? new ArrayList<>() : null;
        this.cacheV = useCache ? new ArrayList<>() : null;
        this.bias = additiveMask();
    }

    /**
     * Checks the input's past cache (made by {@code arch}, same layers and batch), key/value
     * prefix ((B or 1, KV, P, D) per layer) and mask ((B, S) of 0 and 1), failing with a message
     * that names what does not fit.
     */
    public static CausalAttention open(String arch, ModelInput in, int layers, Heads heads) {
        NDArray source = in.ids() != null ? in.ids() : in.embeddings();
        int b = in.batchSize();
        int t = in.length();
        KeyValueCache past = pastCache(arch, in.past(), layers, b);
        KvPrefix prefix = in.prefix();
        int prefixLength = prefix == null ? 0 : checkPrefix(prefix, layers, heads, b);
        if (past != null && prefix != null && past.prefixLength() != prefixLength) {
            throw new IllegalArgumentException("past cache holds a key/value prefix of " + past.prefixLength()
                    + " positions but the input carries one of " + prefixLength
                    + " (a prefix must come with the first call; later calls reuse the cached one)");
        }
        int start = past != null ? past.length() : prefixLength;
        float[] mask = maskValues(in.attentionMask(), b, start + t);
        return new CausalAttention(arch, source.getManager(), b, t, heads, past, past == null ? prefix : null,
                prefixLength, mask, in.useCache());
    }

    /** The manager of the pass's temporaries (the input's). */
    public NDManager manager() {
        return tmp;
    }

    public int batchSize() {
        return b;
    }

    /** T, the new tokens of this call. */
    public int length() {
        return t;
    }

    /** Absolute position of the first new token (prefix and past positions before it). */
    public int start() {
        return start;
    }

    /** S = start + T: the key positions every new token's query may look at (before masking). */
    public int total() {
        return start + t;
    }

    /** Length of the key/value prefix (from the input, or the one the past cache holds). */
    public int prefixLength() {
        return past != null ? past.prefixLength() : prefixLength;
    }

    /** Whether the attention mask hides any position (a mask of ones only counts as none). */
    public boolean masked() {
        return mask != null;
    }

    /**
     * Hugging Face's positions from the attention mask, (B·S) row-major over all S key positions:
     * {@code cumsum(mask) - 1} where the mask is 1 and -1 where it is 0 (padding), so real tokens
     * count only the real tokens before them. Without a mask, position j is simply j.
     */
    public long[] maskPositions() {
        int s = total();
        long[] pos = new long[b * s];
        for (int r = 0; r < b; r++) {
            long seen = 0;
            for (int j = 0; j < s; j++) {
                boolean real = mask == null || mask[r * s + j] != 0f;
                seen += real ? 1 : 0;
                pos[r * s + j] = real ? seen - 1 : -1;
            }
        }
        return pos;
    }

    /**
     * Adds {@code extra} (broadcastable to (B, H, T, S), e.g. ALiBi's (B, H, 1, S)) to every
     * layer's attention scores; folded into the mask once here rather than once per layer.
     */
    public void addBias(NDArray extra) {
        bias = bias == null ? extra : Scopes.into(tmp, extra.add(bias)); // (B|1, H|1, T|1, S)
        groupedBias = null;
    }

    /** Rotates every layer's new queries and keys by {@code rope} at positions start .. start + T − 1. */
    public void useRotary(Rotary rope) {
        rotary = rope.tables(tmp, start, t); // cos, signed sin: (T, D) each
    }

    /** x (B, N, T, D) rotated when the architecture installed {@link #useRotary}, else x itself. */
    public NDArray rotate(NDArray x) {
        return rotary == null ? x : Rotary.rotate(x, rotary); // (B, N, T, D)
    }

    /**
     * The keys and values of layer {@code layer}'s new tokens, (B, KV, T, D) each, with the cached
     * or prefix positions prepended: (B, KV, S, D). Kept for the cache when it was asked for.
     */
    public NDArray[] extend(int layer, NDArray k, NDArray v) {
        if (past != null) {
            // cached keys come first, so the result would land on the cache's manager: move it to the step's
            k = Scopes.into(tmp, past.keys(layer).concat(k, 2)); // (B, KV, S, D)
            v = Scopes.into(tmp, past.values(layer).concat(v, 2)); // (B, KV, S, D)
        } else if (prepend != null) {
            k = Scopes.into(tmp, batched(prepend.keys().get(layer)).concat(k, 2)); // (B, KV, S, D)
            v = Scopes.into(tmp, batched(prepend.values().get(layer)).concat(v, 2)); // (B, KV, S, D)
        }
        if (cacheK != null) { // kept past the layer: out of any per-layer scope (see HfDecoder#forward)
            cacheK.add(Scopes.into(tmp, k));
            cacheV.add(Scopes.into(tmp, v));
        }
        return new NDArray[] {k, v};
    }

    /**
     * softmax(q kᵀ / sqrt(D) + mask) v with the heads merged back: q (B, H, T, D), k and v (B, KV,
     * S, D) → (B·T, H·D).
     *
     * <p>Grouped-query attention reads each key/value head once: the G query heads of a group are
     * stacked as G·T rows against their shared keys, instead of copying keys and values G times
     * (HF's repeat_kv); with G = 1 the reshapes are views. The scale goes on q (T rows), not on
     * the scores (S columns), and the mask is added in place: matMul's backward does not need its
     * output, so the scores need no second (B, H, T, S) array.
     */
    public NDArray attend(NDArray q, NDArray k, NDArray v) {
        int kv = heads.keyValues();
        int g = heads.groups();
        int d = heads.size();
        int s = total();
        NDArray grouped = q.mul(scale(q)).reshape(b, kv, (long) g * t, d); // (B, KV, G·T, D), scaled by 1/sqrt(D)
        NDArray scores = grouped.matMul(k.transpose(0, 1, 3, 2)).reshape(b, kv, g, t, s); // (B, KV, G, T, S)
        if (bias != null) {
            scores.addi(groupedBias()); // (B, KV, G, T, S)
        }
        NDArray att = scores.softmax(-1).reshape(b, kv, (long) g * t, s); // (B, KV, G·T, S)
        NDArray y = att.matMul(v).reshape(b, heads.queries(), t, d); // (B, KV, G·T, D) = (B, H, T, D)
        return y.transpose(0, 2, 1, 3).reshape(b * t, (long) heads.queries() * d); // (B·T, H·D)
    }

    /** The cache for the next call (arrays moved into its own child manager), or null unless asked for. */
    public KeyValueCache cache() {
        if (cacheK == null) {
            return null;
        }
        NDManager own = tmp.newSubManager();
        for (int l = 0; l < cacheK.size(); l++) {
            cacheK.get(l).attach(own); // (B, KV, S, D)
            cacheV.get(l).attach(own); // (B, KV, S, D)
        }
        return new KeyValueCache(arch, own, cacheK, cacheV, prefixLength());
    }

    /** 1 / sqrt(D) as a 0-d array of q's type, made once per pass (libtorch-owned: safe under autograd). */
    private NDArray scale(NDArray q) {
        if (scale == null) {
            scale = Scopes.into(tmp, Scalars.like(q, heads.scale())); // ()
        }
        return scale;
    }

    /** The bias (B|1, H|1, T|1, S) viewed per group, (B|1, KV|1, G|1, T|1, S); made once per pass. */
    private NDArray groupedBias() {
        if (groupedBias == null) {
            Shape s = bias.getShape();
            boolean perHead = s.get(1) != 1;
            groupedBias = bias.reshape(s.get(0), perHead ? heads.keyValues() : 1, perHead ? heads.groups() : 1,
                    s.get(2), s.get(3)); // (B|1, KV|1, G|1, T|1, S)
        }
        return groupedBias;
    }

    /** A (1, KV, P, D) prefix broadcast to (B, KV, P, D) (a view, moved to the step's manager); (B, KV, P, D) as is. */
    private NDArray batched(NDArray prefix) {
        Shape s = prefix.getShape();
        return s.get(0) == b ? prefix : Scopes.into(tmp, prefix.broadcast(new Shape(b, s.get(1), s.get(2), s.get(3))));
    }

    /**
     * 0 where a query may attend, {@link #MASKED} elsewhere: query i (absolute position start + i)
     * sees key j iff j <= start + i and the mask is 1 at j. (1, 1, T, S) without a mask, (B, 1, T,
     * S) with one; null when nothing is masked (a single new token, no padding).
     */
    private NDArray additiveMask() {
        int s = total();
        if (t == 1 && mask == null) {
            return null;
        }
        int rows = mask == null ? 1 : b;
        float[] m = new float[rows * t * s];
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < t; i++) {
                for (int j = 0; j < s; j++) {
                    boolean hidden = j > start + i || (mask != null && mask[r * s + j] == 0f);
                    m[(r * t + i) * s + j] = hidden ? MASKED : 0f;
                }
            }
        }
        return tmp.create(m, new Shape(rows, 1, t, s)); // (B|1, 1, T, S)
    }

    private static KeyValueCache pastCache(String arch, DecodingState state, int layers, int b) {
        if (state == null) {
            return null;
        }
        if (!(state instanceof KeyValueCache cache) || !cache.arch().equals(arch)) {
            throw new IllegalArgumentException(arch + " cannot continue from a " + describe(state) + " (pass the "
                    + "cache an earlier " + arch + " forward returned)");
        }
        if (cache.layers() != layers || cache.batchSize() != b) {
            throw new IllegalArgumentException("past cache has " + cache.layers() + " layers and batch "
                    + cache.batchSize() + ", model has " + layers + " layers and the input batch " + b);
        }
        return cache;
    }

    private static String describe(DecodingState state) {
        return state instanceof KeyValueCache c ? c.arch() + " cache" : state.getClass().getSimpleName();
    }

    private static int checkPrefix(KvPrefix prefix, int layers, Heads heads, int b) {
        if (prefix.layers() != layers) {
            throw new IllegalArgumentException("key/value prefix has " + prefix.layers() + " layers, model has " + layers);
        }
        int p = prefix.length();
        for (int l = 0; l < layers; l++) {
            for (NDArray a : List.of(prefix.keys().get(l), prefix.values().get(l))) {
                Shape s = a.getShape();
                if (s.dimension() != 4 || (s.get(0) != b && s.get(0) != 1) || s.get(1) != heads.keyValues()
                        || s.get(2) != p || s.get(3) != heads.size()) {
                    throw new IllegalArgumentException("key/value prefix of layer " + l + " must be (" + b + " or 1, "
                            + heads.keyValues() + " key/value heads, " + p + ", " + heads.size() + "), got " + s);
                }
            }
        }
        return p;
    }

    /**
     * The mask as 0/1 floats (B·S), or null when there is none or it holds only ones; fails unless
     * it is (B, S) and holds only 0 and 1 (or false and true).
     */
    private static float[] maskValues(NDArray attentionMask, int b, int s) {
        if (attentionMask == null) {
            return null;
        }
        Shape ms = attentionMask.getShape();
        if (ms.dimension() != 2 || ms.get(0) != b || ms.get(1) != s) {
            throw new IllegalArgumentException("attention mask must be (B, S) = (" + b + ", " + s
                    + ") (S = prefix + past + new tokens), got " + ms);
        }
        NDArray asFloat = attentionMask.toType(DataType.FLOAT32, false); // (B, S); the mask itself when already FLOAT32
        float[] m = asFloat.toFloatArray();
        if (asFloat != attentionMask) {
            asFloat.close(); // a converted copy: free it now, the mask's manager may outlive this step
        }
        boolean hidesAny = false;
        for (float x : m) {
            if (x != 0f && x != 1f) {
                throw new IllegalArgumentException("attention mask must hold only 0 and 1, found " + x);
            }
            hidesAny |= x == 0f;
        }
        return hidesAny ? m : null;
    }
}
