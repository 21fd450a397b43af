package dev.promptlab.model.hf.opt;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.promptlab.model.LowRank;
import dev.promptlab.model.ModelConfig;
import dev.promptlab.model.ModelInput;
import dev.promptlab.model.hf.Activation;
import dev.promptlab.model.hf.CausalAttention;
import dev.promptlab.model.hf.DecoderBlock;
import dev.promptlab.model.hf.Heads;
import dev.promptlab.model.hf.HfDecoder;
import dev.promptlab.model.hf.HfWeights;
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
    private final LearnedPositions positions;
    /** E → C and C → E when the embeddings are narrower or wider than the blocks, else null. */
    private final Linear projectIn;
    private final Linear projectOut;
    /** Null when OPT has no final LayerNorm (post-LayerNorm models). */
    private final Norm finalNorm;

    private Opt(ModelConfig config, OptOptions options, Map<String, NDArray> params, NDManager manager) {
        super(config, params, manager, P + "embed_tokens.weight", Heads.multiHead(config.numHeads(), config.headSize()),
                blocks(config, options, params), null);
        this.options = options;
        this.positions = new LearnedPositions(params.get(P + "embed_positions.weight"), POSITION_OFFSET, true,
                "max_position_embeddings");
        boolean projects = options.projects(config.hiddenSize());
        this.projectIn = projects ? Linear.of(params, P + "project_in") : null;
        this.projectOut = projects ? Linear.of(params, P + "project_out") : null;
        this.finalNorm = options.finalLayerNorm() ? Norm.layerNorm(params, P + "final_layer_norm", config.layerNormEps())
                : null;
    }

    /** Layer i: attention over q/k/v_proj and out_proj, a ReLU MLP fc1 → fc2, LayerNorms before or after each. */
    private static List<DecoderBlock> blocks(ModelConfig c, OptOptions o, Map<String, NDArray> w) {
        Heads heads = Heads.multiHead(c.numHeads(), c.headSize());
        List<DecoderBlock> blocks = new ArrayList<>();
        for (int i = 0; i < c.numLayers(); i++) {
            String p = P + "layers." + i + ".";
            SelfAttention attention = new SelfAttention(i, QkvProjection.separate(Linear.of(w, p + "self_attn.q_proj"),
                    Linear.of(w, p + "self_attn.k_proj"), Linear.of(w, p + "self_attn.v_proj"), heads),
                    Linear.of(w, p + "self_attn.out_proj"));
            Mlp mlp = new Mlp.FeedForward(Linear.of(w, p + "fc1"), Linear.of(w, p + "fc2"), Activation.RELU);
            blocks.add(new DecoderBlock(Norm.layerNorm(w, p + "self_attn_layer_norm", c.layerNormEps()), attention,
                    Norm.layerNorm(w, p + "final_layer_norm", c.layerNormEps()), mlp,
                    o.layerNormBefore() ? DecoderBlock.Residual.PRE_NORM : DecoderBlock.Residual.POST_NORM));
        }
        return blocks;
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

    /** Token vectors (projected to C when E != C) plus the learned positions HF derives from the mask. */
    @Override
    protected NDArray inputStage(NDArray x, CausalAttention pass, Map<String, LowRank> lora) {
        NDArray pos = positions.of(pass); // (T, C) or (B, T, C)
        NDArray in = projectIn == null ? x : projectIn.apply(x, lora); // (B, T, C)
        return in.add(pos).reshape((long) pass.batchSize() * pass.length(), -1); // (B·T, C)
    }

    /** The final LayerNorm (pre-LN models) and project_out back to E. */
    @Override
    protected NDArray finalStage(NDArray h, Map<String, LowRank> lora) {
        NDArray normed = finalNorm == null ? h : finalNorm.apply(h); // (B·T, C)
        return projectOut == null ? normed : projectOut.apply(normed, lora); // (B·T, E)
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
