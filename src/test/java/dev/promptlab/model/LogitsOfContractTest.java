package dev.promptlab.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptlab.model.hf.HfTestModels;
import dev.promptlab.model.hf.bloom.Bloom;
import dev.promptlab.model.hf.bloom.BloomArchitecture;
import dev.promptlab.model.hf.llama.Llama;
import dev.promptlab.model.hf.llama.LlamaArchitecture;
import dev.promptlab.model.hf.opt.Opt;
import dev.promptlab.model.hf.opt.OptArchitecture;
import dev.promptlab.tensor.Rng;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static dev.promptlab.model.TinyModels.maxAbsDiff;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The output layer on its own, for every architecture: {@code logitsOf(forward(in.withLogits(false))
 * .hidden())} is {@code forward(in).logits()} for token ids, for soft-prompt-like embeddings, with
 * a key/value prefix and with an attention mask, and gradients reach the input embeddings
 * through it as through the full forward.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LogitsOfContractTest {
    /** Two float32 computations of the same thing in a different order agree this closely. */
    private static final float EXACT = 1e-5f;
    private static final int B = 2;
    private static final int T = 6;
    private static final int P = 3;

    private NDManager root;

    /** A tiny model of one architecture, with weights large enough that every part moves the logits. */
    private record Case(String name, Function<NDManager, LanguageModel> build) {
        @Override
        public String toString() {
            return name;
        }
    }

    @BeforeAll
    void setUp() {
        root = NDManager.newBaseManager();
    }

    @AfterAll
    void tearDown() {
        root.close();
    }

    static List<Case> models() {
        return List.of(new Case("gpt", m -> TinyModels.gpt(m, 11L)), new Case("lstm", m -> TinyModels.lstm(m, 12L)),
                new Case("opt", m -> HfTestModels.random(new OptArchitecture(), optJson(16), Opt::expectedShapes, m, 13L)),
                new Case("opt projected", m -> HfTestModels.random(new OptArchitecture(), optJson(12),
                        Opt::expectedShapes, m, 14L)),
                new Case("bloom", m -> HfTestModels.random(new BloomArchitecture(), HfTestModels.json("model_type",
                        "bloom", "vocab_size", 64, "hidden_size", 24, "n_layer", 2, "n_head", 6), Bloom::expectedShapes,
                        m, 15L)),
                new Case("llama untied, grouped heads", m -> HfTestModels.random(new LlamaArchitecture(),
                        llamaJson("llama", 2, false), Llama::expectedShapes, m, 16L)),
                new Case("qwen2 tied", m -> HfTestModels.random(new LlamaArchitecture(), llamaJson("qwen2", 1, true),
                        Llama::expectedShapes, m, 17L)),
                new Case("coin transformer", m -> CoinTransformer.init(CoinTransformer.config(8, 2, 2, 16, 32), 2, m,
                        new Rng(18))),
                new Case("coin lstm", m -> CoinLstm.init(CoinLstm.config(8, 1, 32), 2, m, new Rng(19))));
    }

    /** OPT with embeddings {@code e} wide; e != 16 is OPT-350m's layout (project_in/out, post-LayerNorm). */
    private static ObjectNode optJson(int e) {
        return HfTestModels.json("model_type", "opt", "vocab_size", 64, "hidden_size", 16, "num_hidden_layers", 2,
                "num_attention_heads", 4, "ffn_dim", 32, "max_position_embeddings", 32, "word_embed_proj_dim", e,
                "do_layer_norm_before", e == 16);
    }

    private static ObjectNode llamaJson(String type, int kvHeads, boolean tied) {
        return HfTestModels.json("model_type", type, "vocab_size", 64, "hidden_size", 32, "intermediate_size", 48,
                "num_hidden_layers", 2, "num_attention_heads", 4, "num_key_value_heads", kvHeads,
                "max_position_embeddings", 64, "rms_norm_eps", 1e-5, "rope_theta", 100.0, "tie_word_embeddings", tied);
    }

    /** Ids (B, T) the model reads: tokens, or for an input-vector model its symbols and BOS. */
    private static NDArray ids(LanguageModel model, NDManager m, Rng rng) {
        int range = model instanceof InputVectorModel v ? v.inputSize() + 1 : model.vocabSize();
        return HfTestModels.ids(m, rng, B, T, range);
    }

    /** Whether the model takes an attention mask (the coin networks read whole, unpadded rows). */
    private static boolean takesMask(LanguageModel model) {
        return !(model instanceof InputVectorModel);
    }

    /** logitsOf(forward(in without logits).hidden()) against forward(in).logits(). */
    private static void assertSplitMatchesForward(LanguageModel model, ModelInput in, String what) {
        ModelOutput withoutLogits = model.forward(in.withLogits(false));
        assertNull(withoutLogits.logits(), what + ": no logits were asked for");
        NDArray hidden = withoutLogits.hidden(); // (B, T, C)
        assertNotNull(hidden, what + ": hidden states come instead of the logits");
        assertEquals(new Shape(B, in.length(), model.hiddenSize()), hidden.getShape(), what);
        NDArray full = model.forward(in).logits(); // (B, T, V)
        float diff = maxAbsDiff(model.logitsOf(hidden, in.lowRank()), full);
        assertTrue(diff < EXACT, what + ": logitsOf differs from forward by " + diff);
        String lastRow = ":, " + (in.length() - 1);
        NDArray last = model.logitsOf(hidden.get(lastRow), in.lowRank()); // (B, V): one row per sequence
        assertTrue(maxAbsDiff(last, full.get(lastRow)) < EXACT, what + ": logitsOf of selected rows");
    }

    @ParameterizedTest
    @MethodSource("models")
    void logitsOfHiddenEqualsForwardLogits(Case c) {
        try (NDManager m = root.newSubManager(); LanguageModel model = c.build().apply(m)) {
            Rng rng = new Rng(1);
            NDArray ids = ids(model, m, rng); // (B, T)
            assertSplitMatchesForward(model, ModelInput.ofIds(ids), "ids");

            // A soft prompt: P free vectors before the input's embeddings.
            NDArray prompt = m.create(rng.gaussians(B * P * model.hiddenSize(), 0.5),
                    new Shape(B, P, model.hiddenSize())); // (B, P, C)
            NDArray embeddings = prompt.concat(model.embed(ids), 1); // (B, P + T, C)
            assertSplitMatchesForward(model, ModelInput.ofEmbeddings(embeddings), "soft prompt");

            int prefix = 0;
            ModelInput in = ModelInput.ofIds(ids);
            if (model.supportsKvPrefix()) {
                in = in.withPrefix(HfTestModels.randomPrefix(model, m, rng, B, P));
                prefix = P;
                assertSplitMatchesForward(model, in, "key/value prefix");
            }
            if (takesMask(model)) {
                NDArray mask = m.ones(new Shape(B, prefix + T)); // (B, S)
                mask.set(new NDIndex("1, {}:", prefix + T - 2), 0f); // row 1 right-padded
                assertSplitMatchesForward(model, in.withAttentionMask(mask), "attention mask");
            }
        }
    }

    /** An untied head that LoRA adapts: logitsOf applies the addition it is given, as forward does. */
    @ParameterizedTest
    @MethodSource("models")
    void logitsOfAppliesTheHeadsLowRankAddition(Case c) {
        try (NDManager m = root.newSubManager(); LanguageModel model = c.build().apply(m)) {
            List<String> heads = model.parameters().keySet().stream().filter(n -> n.equals("lm_head.weight")).toList();
            Rng rng = new Rng(2);
            for (String head : heads) {
                Shape w = model.parameters().get(head).getShape(); // (V, C)
                LowRank lora = new LowRank(m.create(rng.gaussians((int) w.get(1) * 2, 0.5), new Shape(w.get(1), 2)),
                        m.create(rng.gaussians(2 * (int) w.get(0), 0.5), new Shape(2, w.get(0))), 2f);
                ModelInput in = ModelInput.ofIds(ids(model, m, rng)).withLowRank(Map.of(head, lora));
                assertSplitMatchesForward(model, in, "LoRA on " + head);
                assertTrue(maxAbsDiff(model.forward(in).logits(), model.forward(in.withLowRank(Map.of())).logits())
                        > 1e-2, "the LoRA on " + head + " must move the logits");
            }
        }
    }

    /** The gradient of a loss on the last position reaches the input embeddings the same either way. */
    @ParameterizedTest
    @MethodSource("models")
    void gradientsFlowThroughLogitsOf(Case c) {
        try (NDManager m = root.newSubManager(); LanguageModel model = c.build().apply(m)) {
            NDArray ids = ids(model, m, new Rng(3)); // (B, T)
            NDArray viaForward = inputGradient(model, ids, false); // (B, T, C)
            NDArray viaLogitsOf = inputGradient(model, ids, true); // (B, T, C)
            assertTrue(viaLogitsOf.abs().sum().getFloat() > 0f, "no gradient reached the input embeddings");
            assertTrue(maxAbsDiff(viaLogitsOf, viaForward) < EXACT, "gradients differ by "
                    + maxAbsDiff(viaLogitsOf, viaForward));
            for (var e : model.parameters().entrySet()) {
                assertTrue(!e.getValue().hasGradient(), e.getKey() + " should stay frozen");
            }
        }
    }

    /** d(−log p(token 1 at the last position)) / d(input embeddings), through forward's logits or logitsOf. */
    private static NDArray inputGradient(LanguageModel model, NDArray ids, boolean split) {
        NDArray emb = model.embed(ids).duplicate(); // (B, T, C) leaf
        emb.setRequiresGradient(true);
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            ModelInput in = ModelInput.ofEmbeddings(emb);
            String lastRow = ":, " + (T - 1);
            NDArray last = split ? model.logitsOf(model.forward(in.withLogits(false)).hidden().get(lastRow)) // (B, V)
                    : model.forward(in).logits().get(lastRow); // (B, V)
            gc.backward(last.logSoftmax(-1).get(":, 1").sum().neg());
        }
        return emb.getGradient(); // (B, T, C)
    }
}
