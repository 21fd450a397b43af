package dev.promptlab.model.hf.opt;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.promptlab.model.LowRank;
import dev.promptlab.model.ModelConfig;
import dev.promptlab.model.ModelInput;
import dev.promptlab.model.ModelOutput;
import dev.promptlab.model.hf.CausalAttention;
import dev.promptlab.model.hf.HfDecoder;
import dev.promptlab.model.hf.HfLayers;
import dev.promptlab.model.hf.HfWeights;
import dev.promptlab.model.KeyValueCache;
import dev.promptlab.tensor.Rng;
import dev.promptlab.tensor.Scalars;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Meta's OPT, exactly as Hugging Face's {@code OPTForCausalLM} computes it: token embeddings (V, E)
 * (projected to the hidden size C by {@code project_in} when E != C) plus learned positions read
 * at {@code position + 2}, L blocks of multi-head self-attention and a ReLU MLP, LayerNorm before
 * each sub-block (or after it, {@code do_layer_norm_before = false}, as OPT-350m), a final
 * LayerNorm, {@code project_out} back to E, and logits against the tied token embeddings.
 *
 * <p>Weights carry HF's names and nn.Linear's (out, in) layout: {@code
 * model.decoder.embed_tokens.weight} (V, E), {@code model.decoder.embed_positions.weight}
 * (max_position_embeddings + 2, C), {@code model.decoder.layers.{i}.self_attn.{q,k,v,out}_proj.*},
 * {@code ...self_attn_layer_norm.*}, {@code ...fc1.*} (F, C), {@code ...fc2.*} (C, F), {@code
 * ...final_layer_norm.*}, {@code model.decoder.final_layer_norm.*}, {@code
 * model.decoder.project_{in,out}.weight}. Names without {@code model.} load too, and {@code
 * lm_head.weight} is ignored (tied), as in HF.
 *
 * <p>Positions come from the attention mask as HF computes them: {@code cumsum(mask) - 1} over
 * prefix, past and new positions, padding at -1 (row 1 of the table). Without a mask the first
 * new token sits at P (prefix length) or {@code past.length()}. So left- and right-padded rows
 * give the logits of the unpadded row, and a prefix or cache continues the positions; a masked
 * prefix position is not counted (HF's past_key_values behave the same). The rest of the
 * contract (prefix, cache, mask of S = start + T) is {@link CausalAttention}'s.
 *
 * <p>{@link ModelInput#lowRank()} additions apply to every linear layer by its weight name (e.g.
 * {@code model.decoder.layers.0.self_attn.q_proj.weight}, {@code ...fc1.weight}, {@code
 * model.decoder.project_in.weight}).
 *
 * <p>{@link #hiddenSize()} is E: the width of {@link #inputEmbeddings()}, of embeddings passed in
 * and of the returned hidden states (HF's last_hidden_state, after project_out).
 */
public final class Opt extends HfDecoder {
    static final String ARCH = "opt";
    private static final String P = "model.decoder.";
    /** OPT's position table is offset by 2 (a fairseq leftover): position p reads row p + 2. */
    private static final int POSITION_OFFSET = 2;

    private final OptOptions options;
    private final NDArray embedPositions;
    private final Block[] blocks;

    /** One decoder layer; {@code name} is its weight-name prefix ("model.decoder.layers.3."), for LoRA lookups. */
    private record Block(String name, NDArray qW, NDArray qB, NDArray kW, NDArray kB, NDArray vW, NDArray vB,
            NDArray oW, NDArray oB, NDArray ln1W, NDArray ln1B, NDArray fc1W, NDArray fc1B, NDArray fc2W,
            NDArray fc2B, NDArray ln2W, NDArray ln2B) {}

    private Opt(ModelConfig config, OptOptions options, Map<String, NDArray> params, NDManager manager) {
        super(config, params, manager, P + "embed_tokens.weight");
        this.options = options;
        this.embedPositions = parameters().get(P + "embed_positions.weight");
        this.blocks = new Block[config.numLayers()];
        for (int i = 0; i < blocks.length; i++) {
            String p = P + "layers." + i + ".";
            blocks[i] = new Block(p, w(p + "self_attn.q_proj.weight"), w(p + "self_attn.q_proj.bias"),
                    w(p + "self_attn.k_proj.weight"), w(p + "self_attn.k_proj.bias"),
                    w(p + "self_attn.v_proj.weight"), w(p + "self_attn.v_proj.bias"),
                    w(p + "self_attn.out_proj.weight"), w(p + "self_attn.out_proj.bias"),
                    w(p + "self_attn_layer_norm.weight"), w(p + "self_attn_layer_norm.bias"),
                    w(p + "fc1.weight"), w(p + "fc1.bias"), w(p + "fc2.weight"), w(p + "fc2.bias"),
                    w(p + "final_layer_norm.weight"), w(p + "final_layer_norm.bias"));
        }
    }

    private NDArray w(String name) {
        return parameters().get(name);
    }

    /** Every weight name with its shape, in checkpoint order. */
    public static Map<String, Shape> expectedShapes(ModelConfig c) {
        OptOptions o = OptOptions.of(c);
        long v = c.vocabSize();
        long e = o.wordEmbedProjDim();
        long d = c.hiddenSize();
        long f = c.innerSize();
        if (c.numHeads() <= 0 || f <= 0) {
            throw new IllegalArgumentException("opt needs heads > 0 and ffn_dim > 0, got heads " + c.numHeads()
                    + ", ffn_dim " + f);
        }
        Map<String, Shape> s = new LinkedHashMap<>();
        s.put(P + "embed_tokens.weight", new Shape(v, e));
        s.put(P + "embed_positions.weight", new Shape(c.contextLength() + POSITION_OFFSET, d));
        if (o.finalLayerNorm()) {
            s.put(P + "final_layer_norm.weight", new Shape(d));
            s.put(P + "final_layer_norm.bias", new Shape(d));
        }
        if (o.projects(c.hiddenSize())) {
            s.put(P + "project_out.weight", new Shape(e, d)); // nn.Linear(C → E): (out, in)
            s.put(P + "project_in.weight", new Shape(d, e)); // nn.Linear(E → C)
        }
        for (int i = 0; i < c.numLayers(); i++) {
            String p = P + "layers." + i + ".";
            for (String proj : new String[] {"k_proj", "v_proj", "q_proj", "out_proj"}) {
                s.put(p + "self_attn." + proj + ".weight", new Shape(d, d));
                s.put(p + "self_attn." + proj + ".bias", new Shape(d));
            }
            s.put(p + "self_attn_layer_norm.weight", new Shape(d));
            s.put(p + "self_attn_layer_norm.bias", new Shape(d));
            s.put(p + "fc1.weight", new Shape(f, d));
            s.put(p + "fc1.bias", new Shape(f));
            s.put(p + "fc2.weight", new Shape(d, f));
            s.put(p + "fc2.bias", new Shape(d));
            s.put(p + "final_layer_norm.weight", new Shape(d));
            s.put(p + "final_layer_norm.bias", new Shape(d));
        }
        return s;
    }

    /**
     * HF's OPT initialisation, deterministic in {@code rng}: matrices normal(0, init_std), biases
     * zero, LayerNorm gains one, and the pad_token_id row of embed_tokens zero (nn.Embedding's
     * padding_idx). Weights live in a new child manager of {@code manager}.
     */
    public static Opt init(ModelConfig config, NDManager manager, Rng rng) {
        OptOptions o = OptOptions.of(config);
        NDManager own = manager.newSubManager();
        Map<String, NDArray> w = HfWeights.init(expectedShapes(config), o.initStd(),
                n -> n.endsWith("layer_norm.weight"), rng, own);
        if (o.padTokenId() >= 0) {
            w.get(P + "embed_tokens.weight").set(new NDIndex("{}", o.padTokenId()), 0f); // fresh leaf: no autograd here
        }
        return fromWeights(config, w, own);
    }

    /**
     * A model over loaded weights, which are attached to {@code manager} (the model's manager from
     * then on). Fails naming every missing, unexpected or mis-shaped tensor.
     */
    public static Opt fromWeights(ModelConfig config, Map<String, NDArray> weights, NDManager manager) {
        OptOptions o = OptOptions.of(config);
        Map<String, NDArray> taken = HfWeights.take(ARCH, expectedShapes(config), weights, "model.",
                n -> n.equals("lm_head.weight"), manager);
        return new Opt(config, o, taken, manager);
    }

    /** E (word_embed_proj_dim): the width of the input embeddings and of the returned hidden states. */
    @Override
    public int hiddenSize() {
        return options.wordEmbedProjDim();
    }

    @Override
    public ModelOutput forward(ModelInput in) {
        final ModelConfig config = config();
        final int b = in.batchSize();
        final int t = in.length();
        final int c = config.hiddenSize();
        final int e = options.wordEmbedProjDim();
        final int nh = config.numHeads();
        final int d = config.headSize();
        CausalAttention att = attention(in);
        Map<String, LowRank> lora = in.lowRank();

        NDArray x = inputVectors(in); // (B, T, E)
        NDArray pos = HfLayers.lookup(embedPositions, positionRows(att, x.getManager(), b, t)); // (B, T, C)
        if (options.projects(c)) {
            x = HfLayers.linear(x, w(P + "project_in.weight"), null, lora.get(P + "project_in.weight")); // (B, T, C)
        }
        NDArray h = x.add(pos).reshape(b * t, c); // (B·T, C)

        double scaling = 1.0 / Math.sqrt(d);
        boolean before = options.layerNormBefore();
        for (int l = 0; l < blocks.length; l++) {
            Block k = blocks[l];
            NDArray residual = h; // (B·T, C)
            NDArray a = before ? layerNorm(h, k.ln1W, k.ln1B) : h; // (B·T, C)
            // HF scales the projected queries before the product (q_proj(h) * scaling), so do we.
            NDArray q = HfLayers.heads(Scalars.mul(linear(a, k, "self_attn.q_proj", k.qW, k.qB, lora), scaling),
                    b, t, nh, d); // (B, H, T, D)
            NDArray[] kv = att.extend(l, HfLayers.heads(linear(a, k, "self_attn.k_proj", k.kW, k.kB, lora), b, t, nh, d),
                    HfLayers.heads(linear(a, k, "self_attn.v_proj", k.vW, k.vB, lora), b, t, nh, d)); // 2 × (B, H, S, D)
            NDArray y = att.attend(q, kv[0], kv[1], 1.0); // (B·T, C)
            h = residual.add(linear(y, k, "self_attn.out_proj", k.oW, k.oB, lora)); // (B·T, C)
            if (!before) {
                h = layerNorm(h, k.ln1W, k.ln1B); // (B·T, C)
            }
            residual = h;
            NDArray m = before ? layerNorm(h, k.ln2W, k.ln2B) : h; // (B·T, C)
            NDArray f = linear(m, k, "fc1", k.fc1W, k.fc1B, lora).getNDArrayInternal().relu(); // (B·T, F)
            h = residual.add(linear(f, k, "fc2", k.fc2W, k.fc2B, lora)); // (B·T, C)
            if (!before) {
                h = layerNorm(h, k.ln2W, k.ln2B); // (B·T, C)
            }
        }
        if (options.finalLayerNorm()) {
            h = layerNorm(h, w(P + "final_layer_norm.weight"), w(P + "final_layer_norm.bias")); // (B·T, C)
        }
        if (options.projects(c)) {
            h = HfLayers.linear(h, w(P + "project_out.weight"), null, lora.get(P + "project_out.weight")); // (B·T, E)
        }
        NDArray logits = tiedLogits(h, b, t); // (B, T, V)
        KeyValueCache state = att.cache();
        NDArray hidden = in.returnHidden() ? h.reshape(b, t, e) : null; // (B, T, E)
        return new ModelOutput(logits, state, hidden);
    }

    /**
     * Rows of the position table for the new tokens, (B, T) INT64: HF's mask positions (-1 for
     * padding) plus the offset 2. Fails when a position lies beyond max_position_embeddings.
     */
    private NDArray positionRows(CausalAttention att, NDManager tmp, int b, int t) {
        long[] all = att.maskPositions(); // (B·S)
        int s = att.total();
        int start = att.start();
        long[] rows = new long[b * t];
        for (int r = 0; r < b; r++) {
            for (int i = 0; i < t; i++) {
                long p = all[r * s + start + i];
                if (p >= config().contextLength()) {
                    throw new IllegalArgumentException("position " + p + " exceeds max_position_embeddings "
                            + config().contextLength() + " (prefix " + att.prefixLength() + ", earlier positions "
                            + start + ", new tokens " + t + ")");
                }
                rows[r * t + i] = p + POSITION_OFFSET;
            }
        }
        return tmp.create(rows, new Shape(b, t)); // (B, T)
    }

    /** The block's linear layer {@code layer} with the LoRA addition registered under its weight name. */
    private static NDArray linear(NDArray x, Block k, String layer, NDArray weight, NDArray bias,
            Map<String, LowRank> lora) {
        return HfLayers.linear(x, weight, bias, lora.get(k.name + layer + ".weight")); // (B·T, out)
    }

    private NDArray layerNorm(NDArray x, NDArray gain, NDArray bias) {
        return HfLayers.layerNorm(x, gain, bias, config().layerNormEps()); // same shape as x
    }

    @Override
    public String toString() {
        return "Opt(" + config() + ", " + options + ")";
    }

    /** PEFT's default for opt: the query and value projections. */
    @Override
    public java.util.List<String> defaultLoraTargets() {
        return java.util.List.of("q_proj", "v_proj");
    }
}
