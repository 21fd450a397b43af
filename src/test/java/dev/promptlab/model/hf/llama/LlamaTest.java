package dev.promptlab.model.hf.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.promptlab.model.DecodingState;
import dev.promptlab.model.KvPrefix;
import dev.promptlab.model.LanguageModel;
import dev.promptlab.model.LowRank;
import dev.promptlab.model.ModelInput;
import dev.promptlab.model.Models;
import dev.promptlab.model.hf.KvModelContract;
import dev.promptlab.tensor.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.promptlab.model.hf.HfTestModels.maxAbsDiff;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Llama} under the shared forward contract ({@link KvModelContract}: cache, prefixes,
 * padding, LoRA, gradients, memory) on a grouped-query model (4 query heads over 2 key/value heads
 * of size 8), plus what is particular to it: RoPE's shift invariance, LoRA folded into a weight,
 * save/load, key/value head checks and initialisation.
 */
class LlamaTest extends KvModelContract {
    private static final int V = 96;

    @Override
    protected LanguageModel build(NDManager manager) {
        return LlamaTiny.model(LlamaTiny.llamaJson(), manager, 1234L);
    }

    @Override
    protected List<String> loraTargets() {
        return List.of("model.layers.0.self_attn.q_proj.weight", "model.layers.1.self_attn.k_proj.weight",
                "model.layers.1.self_attn.v_proj.weight", "model.layers.0.self_attn.o_proj.weight",
                "model.layers.0.mlp.gate_proj.weight", "model.layers.1.mlp.up_proj.weight",
                "model.layers.1.mlp.down_proj.weight", "lm_head.weight");
    }

    @Test
    void headsFollowTheConfig() {
        assertEquals(4, model.config().numHeads());
        assertEquals(2, model.numKeyValueHeads());
        assertEquals(8, model.headSize());
        assertTrue(model.supportsKvPrefix());
        assertTrue(model.parameters().containsKey("lm_head.weight"));
        assertEquals(new Shape(16, 32), model.parameters().get("model.layers.1.self_attn.k_proj.weight").getShape());
    }

    /** RoPE scores depend on distances only: hiding a prefix leaves the plain model's logits up to rounding. */
    @Test
    void shiftedPositionsChangeNothingButRounding() {
        try (NDManager m = root.newSubManager()) {
            Rng rng = new Rng(5);
            int p = 3;
            NDArray ids = ids(m, rng, 2, 6); // (B, T)
            NDArray mask = m.zeros(new Shape(2, p)).concat(m.ones(new Shape(2, 6)), 1); // (B, P + T): prefix hidden
            NDArray hidden = logits(ModelInput.ofIds(ids).withPrefix(randomPrefix(m, rng, 2, p)).withAttentionMask(mask));
            assertTrue(maxAbsDiff(hidden, logits(ModelInput.ofIds(ids))) < 1e-4);

            // Left padding shifts the real tokens' positions (HF's default cache_position, not
            // generate's mask-derived position_ids); the logits agree up to rounding all the same.
            NDArray a = ids(m, rng, 1, 8); // (1, 8)
            NDArray b = ids(m, rng, 1, 5); // (1, 5)
            NDArray left = a.concat(m.create(new long[] {7, 7, 7}, new Shape(1, 3)).concat(b, 1), 0); // (2, 8)
            NDArray leftMask = m.create(new long[] {1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 1, 1, 1, 1, 1}, new Shape(2, 8));
            NDArray shifted = logits(ModelInput.ofIds(left).withAttentionMask(leftMask)); // (2, 8, V)
            assertTrue(maxAbsDiff(shifted.get("1:2, 3:"), logits(ModelInput.ofIds(b))) < 1e-4);
            assertTrue(maxAbsDiff(shifted.get("0:1"), logits(ModelInput.ofIds(a))) < EXACT);
        }
    }

    /** A LoRA on q_proj equals the same change folded into the weight: W + scale · (a b)ᵀ. */
    @Test
    void lowRankEqualsTheFoldedWeight() {
        try (NDManager m = root.newSubManager()) {
            Rng rng = new Rng(7);
            NDArray ids = ids(m, rng, 2, 7); // (B, T)
            String q = "model.layers.0.self_attn.q_proj.weight";
            NDArray a = m.create(rng.gaussians(32 * 3, 0.3), new Shape(32, 3)); // (in, r)
            NDArray up = m.create(rng.gaussians(3 * 32, 0.3), new Shape(3, 32)); // (r, out)
            NDArray viaLora = logits(ModelInput.ofIds(ids).withLowRank(Map.of(q, new LowRank(a, up, 0.5f))));
            Map<String, NDArray> folded = new LinkedHashMap<>();
            for (var e : model.parameters().entrySet()) {
                NDArray w = e.getValue().duplicate(); // (out, in)
                folded.put(e.getKey(), e.getKey().equals(q) ? w.add(a.matMul(up).transpose().mul(0.5f)) : w);
            }
            try (Llama merged = Llama.fromWeights(model.config(), folded, m.newSubManager())) {
                assertTrue(maxAbsDiff(viaLora, merged.forward(ModelInput.ofIds(ids)).logits()) < 1e-4);
            }
        }
    }

    @Test
    void saveLoadRoundTripGivesIdenticalLogits(@TempDir Path tmp) throws Exception {
        try (NDManager m = root.newSubManager();
                Llama qwen = LlamaTiny.model(LlamaTiny.qwen2Json(), m, 77L)) {
            NDArray ids = ids(m, new Rng(8), 2, 6); // (B, T)
            for (Llama original : List.of((Llama) model, qwen)) {
                Path dir = tmp.resolve(original.modelType());
                Models.save(original, dir);
                try (LanguageModel loaded = Models.load(dir, m)) {
                    assertEquals(original.config(), loaded.config());
                    assertEquals(original.modelType(), assertInstanceOf(Llama.class, loaded).modelType());
                    assertEquals(original.parameters().keySet(), loaded.parameters().keySet());
                    assertEquals(0f, maxAbsDiff(original.forward(ModelInput.ofIds(ids)).logits(),
                            loaded.forward(ModelInput.ofIds(ids)).logits()), 0f);
                }
            }
            assertFalse(qwen.parameters().containsKey("lm_head.weight"), "tied: no lm_head.weight in the checkpoint");
            assertTrue(qwen.parameters().containsKey("model.layers.0.self_attn.k_proj.bias"));
            assertFalse(qwen.parameters().containsKey("model.layers.0.self_attn.o_proj.bias"));
        }
    }

    @Test
    void badInputsFailClearly() {
        try (NDManager m = root.newSubManager()) {
            NDArray ids = ids(m, new Rng(11), 2, 4); // (B, T)
            // A prefix with one head per query head instead of one per key/value head.
            List<NDArray> k = List.of(m.zeros(new Shape(2, 4, 3, 8)), m.zeros(new Shape(2, 4, 3, 8)));
            var e = assertThrows(IllegalArgumentException.class,
                    () -> model.forward(ModelInput.ofIds(ids).withPrefix(new KvPrefix(k, k))));
            assertTrue(e.getMessage().contains("2 key/value heads"), e.getMessage());
            NDArray bad = m.create(new long[] {1, V}, new Shape(1, 2));
            e = assertThrows(IllegalArgumentException.class, () -> model.forward(ModelInput.ofIds(bad)));
            assertTrue(e.getMessage().contains("" + V), e.getMessage());
            NDArray mask = m.ones(new Shape(2, 5));
            e = assertThrows(IllegalArgumentException.class,
                    () -> model.forward(ModelInput.ofIds(ids).withAttentionMask(mask)));
            assertTrue(e.getMessage().contains("attention mask"), e.getMessage());
        }
    }

    @Test
    void initIsDeterministicWithStd002() {
        var config = LlamaTiny.config(LlamaTiny.llamaJson());
        try (Llama fresh = Llama.init(config, root, new Rng(1));
                Llama again = Llama.init(config, root, new Rng(1))) {
            var p = fresh.parameters();
            assertEquals(32f, p.get("model.norm.weight").sum().getFloat(), 1e-6);
            float std = (float) Math.sqrt(p.get("model.embed_tokens.weight").square().mean().getFloat());
            assertEquals(0.02f, std, 0.002f);
            assertEquals(0f, maxAbsDiff(p.get("lm_head.weight"), again.parameters().get("lm_head.weight")));
            long layer = 2 * 32 + 32 * 32 + 2 * 16 * 32 + 32 * 32 + 3 * 32 * 64;
            assertEquals(2 * 96 * 32 + 2 * layer + 32, fresh.parameterCount());
        }
    }

    /** A prefix the mask hides leaves what a hidden cache of as many dummy tokens leaves: positions start at P. */
    @Test
    void maskedPrefixActsAsHiddenPast() {
        try (NDManager m = root.newSubManager()) {
            Rng rng = new Rng(5);
            int p = 3;
            NDArray ids = ids(m, rng, 2, 6); // (B, T)
            KvPrefix prefix = randomPrefix(m, rng, 2, p);
            NDArray mask = m.zeros(new Shape(2, p)).concat(m.ones(new Shape(2, 6)), 1); // (B, P + T): prefix hidden
            NDArray hidden = logits(ModelInput.ofIds(ids).withPrefix(prefix).withAttentionMask(mask));
            try (DecodingState dummy = model.forward(ModelInput.ofIds(ids(m, rng, 2, p)).withCache(true)).state()) {
                NDArray shifted = logits(ModelInput.ofIds(ids).withPast(dummy).withAttentionMask(mask));
                assertTrue(maxAbsDiff(hidden, shifted) < EXACT);
            }
            NDArray visible = logits(ModelInput.ofIds(ids).withPrefix(prefix));
            assertTrue(maxAbsDiff(hidden, visible) > 1e-2, "a visible prefix must change the result");
        }
    }

}
