package dev.promptlab.adapt;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import dev.promptlab.model.LanguageModel;
import dev.promptlab.tensor.Rng;
import dev.promptlab.train.AdapterObjective;
import dev.promptlab.train.Batch;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** A multi-prompt batch gives every row the logits its own adapter gives it alone. */
class MultiPromptAdapterTest extends AdapterTestBase {
    private void assertRowsMatch(LanguageModel model, List<? extends Adapter> adapters, int[] rows) {
        int[][] w = MethodModels.windows(8, rows.length, 7);
        try (NDManager m = root.newSubManager()) {
            NDArray ids = Batch.ofWindows(w, m).ids(); // (B, T)
            float[][] mixed = new float[rows.length][];
            NDArray all = AdapterObjective.logits(model, new MultiPrompt(adapters, rows), ids); // (B, T, V)
            for (int i = 0; i < rows.length; i++) {
                mixed[i] = all.get(new NDIndex("{}", i)).toFloatArray();
                NDArray row = ids.get(new NDIndex("{}:{}", i, i + 1)); // (1, T)
                float[] alone = AdapterObjective.logits(model, adapters.get(rows[i]), row).toFloatArray();
                assertArrayEquals(alone, mixed[i], 1e-5f, "row " + i + " with adapter " + rows[i]);
            }
            assertFalse(java.util.Arrays.equals(mixed[0], mixed[1]), "different adapters act differently");
        }
    }

    @Test
    void promptsOfEqualLengthMix() {
        for (MethodModels.Case c : MethodModels.all()) {
            try (LanguageModel model = c.build(root, 1);
                    SoftPrompt soft = SoftPrompt.create(new SoftPromptConfig(3, SoftPromptConfig.Init.RANDOM, null), model,
                            null, new Rng(1));
                    PTuning encoded = PTuning.create(new PTuningConfig(3, PTuningConfig.Encoder.MLP, 8), model, new Rng(2));
                    SoftPrompt other = SoftPrompt.create(new SoftPromptConfig(3, SoftPromptConfig.Init.RANDOM, null), model,
                            null, new Rng(3))) {
                assertRowsMatch(model, List.of(soft, encoded, other), new int[] {0, 1, 2, 1, 0});
            }
        }
    }

    @Test
    void prefixesOfEqualLengthMix() {
        for (MethodModels.Case c : MethodModels.all()) {
            try (LanguageModel model = c.build(root, 1);
                    PrefixTuning plain = PrefixTuning.create(new PrefixConfig(2, false, 0), model, new Rng(1));
                    PrefixTuning projected = PrefixTuning.create(new PrefixConfig(2, true, 8), model, new Rng(2))) {
                assertRowsMatch(model, List.of(plain, projected), new int[] {1, 0, 1});
            }
        }
    }

    @Test
    void mixingFamiliesOrLengthsIsRefused() {
        try (LanguageModel model = MethodModels.all().get(0).build(root, 1);
                SoftPrompt soft = SoftPrompt.create(new SoftPromptConfig(2, SoftPromptConfig.Init.RANDOM, null), model,
                        null, new Rng(1));
                SoftPrompt longer = SoftPrompt.create(new SoftPromptConfig(3, SoftPromptConfig.Init.RANDOM, null), model,
                        null, new Rng(1));
                PrefixTuning prefix = PrefixTuning.create(new PrefixConfig(2, false, 0), model, new Rng(1))) {
            assertThrows(IllegalArgumentException.class, () -> new MultiPrompt(List.of(soft, prefix), new int[] {0, 1}));
            assertThrows(IllegalArgumentException.class, () -> new MultiPrompt(List.of(soft, longer), new int[] {0, 1}));
            assertThrows(IllegalArgumentException.class, () -> new MultiPrompt(List.of(soft), new int[] {0, 1}));
        }
    }
}
