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
    void promptsPerRowDecodeWithTheCacheAndTakePaddingMasks() {
        for (MethodModels.Case c : MethodModels.all()) {
            try (LanguageModel model = c.build(root, 1);
                    SoftPrompt a = SoftPrompt.create(new SoftPromptConfig(3, SoftPromptConfig.Init.RANDOM, null), model,
                            null, new Rng(1));
                    PTuning b = PTuning.create(new PTuningConfig(3, PTuningConfig.Encoder.MLP, 8), model, new Rng(2));
                    NDManager m = root.newSubManager()) {
                List<Adapter> prompts = List.of(a, b);
                NDArray ids = Batch.ofWindows(MethodModels.windows(8, 2, 7), m).ids(); // (2, 7)
                NDArray head = ids.get(new NDIndex(":, :5")); // (2, 5)
                NDArray next = ids.get(new NDIndex(":, 5:6")); // (2, 1)
                MultiPrompt both = new MultiPrompt(prompts, new int[] {1, 0});
                dev.promptlab.model.ModelOutput first = model.forward(both.apply(
                        dev.promptlab.model.ModelInput.ofIds(head).withCache(true), model));
                NDArray step = model.forward(both.apply(dev.promptlab.model.ModelInput.ofIds(next).withPast(first.state()),
                        model)).logits(); // (2, 1, V)
                // a right-padded row: the mask grows by the prompt's positions, real positions are unchanged
                NDArray mask = m.create(new float[] {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0}, new ai.djl.ndarray.types.Shape(2, 6));
                NDArray masked = model.forward(both.apply(dev.promptlab.model.ModelInput.ofIds(ids.get(new NDIndex(":, :6")))
                        .withAttentionMask(mask), model)).logits(); // (2, 3+6, V)
                for (int row = 0; row < 2; row++) {
                    Adapter own = prompts.get(1 - row);
                    NDArray alone = AdapterObjective.logits(model, own, ids.get(new NDIndex("{}:{}, :6", row, row + 1)));
                    assertArrayEquals(alone.get(new NDIndex(":, 5:6")).toFloatArray(),
                            step.get(new NDIndex("{}:{}", row, row + 1)).toFloatArray(), 1e-4f, c + " cached step, row " + row);
                    int real = row == 0 ? 6 : 4;
                    assertArrayEquals(alone.get(new NDIndex(":, :{}", real)).toFloatArray(),
                            masked.get(new NDIndex("{}:{}, 3:{}", row, row + 1, 3 + real)).toFloatArray(), 1e-4f,
                            c + " masked row " + row);
                }
                first.state().close();
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
