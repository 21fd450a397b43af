package dev.promptlab.model.hf;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.promptlab.model.LanguageModel;
import dev.promptlab.model.LowRank;
import dev.promptlab.model.ModelConfig;
import dev.promptlab.model.ModelInput;
import dev.promptlab.model.ModelOutput;

import java.util.List;
import java.util.Map;

/**
 * A causal transformer decoder as every architecture here computes it: input vectors (B, T, E)
 * → the architecture's input stage (positions, an embedding norm, a projection) → L
 * {@link DecoderBlock}s sharing one {@link CausalAttention} pass → the final stage (norm,
 * projection) → the output head. An architecture names its weights, composes the shared blocks
 * in its constructor and supplies only the input and final stages.
 *
 * <p>{@link #forward} computes the head only when the input asks for logits; {@link #logitsOf}
 * applies it to any rows of the hidden states, so a caller that reads a few positions skips the
 * (B, T, V) product.
 */
public abstract class HfDecoder implements LanguageModel {
    private final ModelConfig config;
    private final NDManager manager;
    private final Map<String, NDArray> params;
    private final NDArray tokens;
    private final Heads heads;
    private final List<DecoderBlock> blocks;
    private final Linear head;

    /**
     * @param params weights by checkpoint name, already validated and attached to {@code manager}
     * @param tokenTable the name of the (V, E) token embedding
     * @param heads the attention heads of every block
     * @param blocks the L decoder layers, in order
     * @param untiedHead the name of a separate (V, E) output weight, or null when the head is the token table
     */
    protected HfDecoder(ModelConfig config, Map<String, NDArray> params, NDManager manager, String tokenTable,
            Heads heads, List<DecoderBlock> blocks, String untiedHead) {
        this.config = config;
        this.manager = manager;
        this.params = params;
        this.tokens = params.get(tokenTable);
        this.heads = heads;
        this.blocks = List.copyOf(blocks);
        this.head = untiedHead == null ? Linear.tied(tokens) : new Linear(untiedHead, params.get(untiedHead), null,
                false);
    }

    /**
     * The input stage: the input vectors x (B, T, E) → the first block's input (B·T, C). May
     * install position schemes on the pass (ALiBi's bias, rotary tables) or check it.
     */
    protected abstract NDArray inputStage(NDArray x, CausalAttention pass, Map<String, LowRank> lora);

    /** The final stage: the last block's output (B·T, C) → the hidden states the head reads (B·T, E). */
    protected abstract NDArray finalStage(NDArray h, Map<String, LowRank> lora);

    /** Positions (B·T) from which an inference pass frees each block's temporaries as it ends. */
    private static final long FREE_BLOCKS_FROM_POSITIONS = 128;

    @Override
    public final ModelOutput forward(ModelInput in) {
        CausalAttention pass = CausalAttention.open(config.arch(), in, blocks.size(), heads);
        Map<String, LowRank> lora = in.lowRank();
        NDArray h = inputStage(inputVectors(in), pass, lora); // (B·T, C)
        // Without a gradient to record (scoring, decoding), each block's temporaries are freed when
        // it ends: DJL keeps every array until its manager closes, and a whole pass's temporaries
        // are many times the weights' size per token (GPT-2-medium scoring: +2 GB at batch 16).
        // With gradients the graph holds them anyway. A pass of a few positions (a decoding step)
        // keeps them: they are small, and a scope per block would cost more than it frees.
        boolean inference = !ai.djl.pytorch.jni.JniUtils.isGradMode()
                && (long) pass.batchSize() * pass.length() >= FREE_BLOCKS_FROM_POSITIONS;
        for (DecoderBlock block : blocks) {
            if (!inference) {
                h = block.forward(h, pass, lora); // (B·T, C)
                continue;
            }
            try (NDManager blockScope = pass.manager().newSubManager()) {
                h.tempAttach(blockScope); // ops on h make their results in blockScope; h goes back when it closes
                NDArray out = block.forward(h, pass, lora); // (B·T, C)
                out.attach(pass.manager());
                h = out;
            }
        }
        NDArray hidden = finalStage(h, lora).reshape(in.batchSize(), in.length(), hiddenSize()); // (B, T, E)
        return ModelOutput.of(this, in, hidden, pass.cache());
    }

    @Override
    public NDArray logitsOf(NDArray hidden, Map<String, LowRank> lowRank) {
        return head.apply(hidden, lowRank); // (..., V)
    }

    @Override
    public ModelConfig config() {
        return config;
    }

    @Override
    public NDArray inputEmbeddings() {
        return tokens; // (V, E)
    }

    @Override
    public NDArray embed(NDArray ids) {
        HfLayers.requireIds(ids, config.vocabSize());
        return HfLayers.lookup(tokens, ids); // (B, T, E)
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
    public int numKeyValueHeads() {
        return heads.keyValues();
    }

    @Override
    public int headSize() {
        return heads.size();
    }

    /** The input's vectors (B, T, E): the ids looked up, or the given embeddings, checked to be E wide. */
    private NDArray inputVectors(ModelInput in) {
        NDArray x = in.ids() != null ? embed(in.ids()) : in.embeddings(); // (B, T, E)
        if (x.getShape().get(2) != hiddenSize()) {
            throw new IllegalArgumentException("embeddings must be (B, T, " + hiddenSize() + "), got " + x.getShape());
        }
        return x;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "(" + config + ")";
    }
}
