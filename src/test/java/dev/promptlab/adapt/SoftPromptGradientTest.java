package dev.promptlab.adapt;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.promptlab.model.GptArchitecture;
import dev.promptlab.model.LanguageModel;
import dev.promptlab.model.ModelConfig;
import dev.promptlab.tensor.Rng;
import dev.promptlab.train.AdapterObjective;
import dev.promptlab.train.Batch;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The prompt's gradient through the frozen GPT agrees with central finite differences,
 * component by component and relative to its size. The model's weights are drawn large (as in
 * {@link MethodModels}) so that the prompt's gradients are far above the finite differences'
 * float32 noise (about 1e-4 here), and only components at least 100 times that noise are
 * compared: a check that an absolute floor as large as the gradients themselves would pass.
 */
class SoftPromptGradientTest {
    private static final double EPS = 1e-2;
    private static final double NOISE = 1e-4;
    private static final double RELATIVE = 0.02;

    @Test
    void gradientMatchesFiniteDifferences() {
        ModelConfig config = new ModelConfig("gpt", 30, 32, 16, 2, 2, 64, 1e-5, 1, 2);
        try (NDManager root = NDManager.newBaseManager();
                LanguageModel model = new GptArchitecture().init(config, root, new Rng(1));
                SoftPrompt prompt = SoftPrompt.create(new SoftPromptConfig(3, SoftPromptConfig.Init.RANDOM, null), model, null, new Rng(2))) {
            MethodModels.randomise(model, 5);
            int[][] windows = {{1, 5, 6, 7, 8, 9}, {1, 9, 8, 3, 4, 2}};
            AdapterObjective objective = new AdapterObjective(model, prompt);
            NDArray p = prompt.embeddings();
            float[] analytic;
            try (NDManager scope = root.newSubManager()) {
                Batch batch = Batch.ofWindows(windows, scope);
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    gc.backward(objective.loss(batch));
                }
                analytic = p.getGradient().toFloatArray();
            }
            float[] values = p.toFloatArray();
            int compared = 0;
            double worst = 0;
            for (int i = 0; i < values.length; i++) {
                if (Math.abs(analytic[i]) < 100 * NOISE) {
                    continue;
                }
                float[] plus = values.clone();
                plus[i] += EPS;
                float[] minus = values.clone();
                minus[i] -= EPS;
                double numeric = (loss(objective, p, plus, windows, root) - loss(objective, p, minus, windows, root))
                        / (2 * EPS);
                double relative = Math.abs(numeric - analytic[i]) / Math.abs(analytic[i]);
                worst = Math.max(worst, relative);
                assertTrue(relative <= RELATIVE, "component " + i + ": analytic " + analytic[i] + ", numeric " + numeric);
                compared++;
            }
            System.out.printf("soft prompt gradient: %d of %d components compared, max relative error %.2e%n", compared,
                    values.length, worst);
            assertTrue(compared >= values.length / 2, "only " + compared + " of " + values.length
                    + " components are well above the noise: the check would prove little");
        }
    }
    private static double loss(AdapterObjective objective, NDArray p, float[] values, int[][] windows, NDManager root) {
        p.set(values);
        try (NDManager scope = root.newSubManager()) {
            return objective.loss(Batch.ofWindows(windows, scope)).getFloat();
        }
    }
}
