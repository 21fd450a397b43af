package dev.promptlab.adapt;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.promptlab.model.KeyValueCache;
import dev.promptlab.model.LanguageModel;
import dev.promptlab.model.ModelConfig;
import dev.promptlab.model.ModelInput;
import dev.promptlab.model.ModelOutput;
import dev.promptlab.tensor.Rng;
import dev.promptlab.train.AdapterObjective;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** Prefix tuning: PEFT's layout of the prefix, and the prefix as the cached keys and values of real tokens. */
class PrefixTuningTest extends AdapterTestBase {
    /**
     * The cached keys and values of tokens X, written into PEFT's (P, 2·L·D) layout by PEFT's own
     * index arithmetic (view (P, 2L, kvHeads, headSize); layer l's keys at 2l, values at 2l+1),
     * make a prefix under which tokens Y get the logits they get after X: the layout, the
     * positions after the prefix and the attention over it all agree.
     */
    @Test
    void aPrefixOfCachedKeysAndValuesEqualsFeedingTheTokens() {
        for (MethodModels.Case c : MethodModels.all()) {
            try (LanguageModel model = c.build(root, 1); NDManager m = root.newSubManager()) {
                int p = 4;
                int l = model.numLayers();
                int kv = model.numKeyValueHeads();
                int hd = model.headSize();
                int[][] xy = MethodModels.windows(7, 1, 9);
                long[] all = new long[10];
                for (int i = 0; i < 10; i++) {
                    all[i] = xy[0][i];
                }
                NDArray ids = m.create(all, new Shape(1, 10)); // (1, P+T)
                NDArray x = ids.get(new NDIndex(":, :{}", p)); // (1, P)
                NDArray y = ids.get(new NDIndex(":, {}:", p)); // (1, T)
                float[] whole = model.forward(ModelInput.ofIds(ids)).logits().get(new NDIndex(":, {}:, :", p))
                        .toFloatArray(); // (1, T, V)
                ModelOutput cached = model.forward(ModelInput.ofIds(x).withCache(true));
                KeyValueCache cache = (KeyValueCache) cached.state();
                float[] flat = new float[p * 2 * l * kv * hd]; // (P, 2L·D)
                for (int layer = 0; layer < l; layer++) {
                    float[] k = cache.keys(layer).toFloatArray(); // (1, kvH, P, hd)
                    float[] v = cache.values(layer).toFloatArray(); // (1, kvH, P, hd)
                    for (int pos = 0; pos < p; pos++) {
                        for (int h = 0; h < kv; h++) {
                            for (int d = 0; d < hd; d++) {
                                int src = (h * p + pos) * hd + d;
                                flat[(((pos * 2 * l) + 2 * layer) * kv + h) * hd + d] = k[src];
                                flat[(((pos * 2 * l) + 2 * layer + 1) * kv + h) * hd + d] = v[src];
                            }
                        }
                    }
                }
                cache.close();
                NDArray values = m.create(flat, new Shape(p, 2L * l * kv * hd));
                try (PrefixTuning prefix = PrefixTuning.of(new PrefixConfig(p, false, 0), model,
                        Map.of(PrefixTuning.EMBEDDING, values), "test")) {
                    assertEquals(0, prefix.virtualTokens());
                    assertEquals(p, prefix.contextPositions());
                    float[] withPrefix = AdapterObjective.logits(model, prefix, y).toFloatArray();
                    assertArrayEquals(whole, withPrefix, 1e-4f, c + ": prefix of cached keys/values = feeding the tokens");
                }
            }
        }
    }

    @Test
    void theProjectionSavesItsOutputAndKeepsItsWeightsBesideIt() throws Exception {
        try (LanguageModel model = MethodModels.all().get(0).build(root, 1);
                PrefixTuning prefix = PrefixTuning.create(new PrefixConfig(3, true, 8), model, new Rng(2))) {
            Path out = dir.resolve("a");
            AdapterFile.save(prefix, model, out, "tiny");
            assertTrue(java.nio.file.Files.exists(out.resolve(AdapterFile.EXTRA)));
            try (Adapter loaded = AdapterFile.load(out, model)) {
                assertTrue(((PrefixTuning) loaded).config().projection(), "the encoder came back");
            }
            // PEFT's own file alone (inference mode): the computed prefix, same logits
            java.nio.file.Files.delete(out.resolve(AdapterFile.EXTRA));
            int[][] w = MethodModels.windows(3, 2, 5);
            try (Adapter loaded = AdapterFile.load(out, model); NDManager m = root.newSubManager()) {
                assertFalse(((PrefixTuning) loaded).config().projection());
                NDArray ids = dev.promptlab.train.Batch.ofWindows(w, m).ids();
                assertArrayEquals(AdapterObjective.logits(model, prefix, ids).toFloatArray(),
                        AdapterObjective.logits(model, loaded, ids).toFloatArray(), 1e-5f);
            }
        }
    }

    @Test
    void aPrefixForAnotherModelIsRefusedNamingTheFileAndTheMismatch() throws Exception {
        Path out = dir.resolve("a");
        try (LanguageModel model = MethodModels.all().get(0).build(root, 1);
                PrefixTuning prefix = PrefixTuning.create(new PrefixConfig(3, false, 0), model, new Rng(2))) {
            AdapterFile.save(prefix, model, out, "tiny");
        }
        ModelConfig deeper = new ModelConfig("gpt", MethodModels.VOCAB, 32, 16, 3, 2, 64, 1e-5, 0, 1);
        try (LanguageModel other = MethodModels.tiny(deeper, root, 1)) {
            AdapterException e = assertThrows(AdapterException.class, () -> AdapterFile.load(out, other));
            assertTrue(e.getMessage().contains(out.toString()) && e.getMessage().contains("layers"), e.getMessage());
        }
        ModelConfig moreHeads = new ModelConfig("gpt", MethodModels.VOCAB, 32, 16, 2, 4, 64, 1e-5, 0, 1);
        try (LanguageModel other = MethodModels.tiny(moreHeads, root, 1)) {
            AdapterException e = assertThrows(AdapterException.class, () -> AdapterFile.load(out, other));
            assertTrue(e.getMessage().contains("key/value heads") && e.getMessage().contains("4"), e.getMessage());
        }
    }
}
