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

/** The prompt's gradient through the frozen GPT agrees with central finite differences. */
class SoftPromptGradientTest {
    @Test
    void gradientMatchesFiniteDifferences() {
        ModelConfig config = new ModelConfig("gpt", 30, 32, 16, 2, 2, 64, 1e-5, 1, 2);
        try (NDManager root = NDManager.newBaseManager();
                LanguageModel model = new GptArchitecture().init(config, root, new Rng(1));
                SoftPrompt prompt = SoftPrompt.create(new SoftPromptConfig(3, SoftPromptConfig.Init.RANDOM, null), model, null, new Rng(2))) {
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
            double eps = 1e-2;
            double maxErr = 0;
            double maxGrad = 0;
            for (int i = 0; i < values.length; i += 5) {
                float[] plus = values.clone();
                plus[i] += eps;
                float[] minus = values.clone();
                minus[i] -= eps;
                double lp = loss(objective, p, plus, windows, root);
                double lm = loss(objective, p, minus, windows, root);
                double numeric = (lp - lm) / (2 * eps);
                maxErr = Math.max(maxErr, Math.abs(numeric - analytic[i]));
                maxGrad = Math.max(maxGrad, Math.abs(analytic[i]));
            }
            System.out.printf("soft prompt gradient: max |analytic - numeric| = %.2e (max |grad| %.2e)%n", maxErr, maxGrad);
            assertTrue(maxGrad > 1e-4, "the prompt must get a gradient");
            assertTrue(maxErr < 2e-3 + 0.02 * maxGrad, "max error " + maxErr);
        }
    }

    private static double loss(AdapterObjective objective, NDArray p, float[] values, int[][] windows, NDManager root) {
        p.set(values);
        try (NDManager scope = root.newSubManager()) {
            return objective.loss(Batch.ofWindows(windows, scope)).getFloat();
        }
    }
}
