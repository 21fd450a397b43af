package dev.promptlab.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** An optimizer step must leave nothing behind: long runs would otherwise grow without bound. */
class AdamWMemoryTest {
    private static int stepAndCount(AdamW adam, NDArray w, NDManager owner, double decay) {
        try (NDManager scope = owner.newSubManager()) {
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                gc.backward(w.mul(scope.create(new float[] {2f, -3f, 0.5f})).sum());
            }
        }
        adam.clipGradients(1.0);
        adam.clipGradientsPerGroup(1.0, java.util.List.of(java.util.List.of("w")));
        adam.step(0.01);
        return owner.getManagedArrays().size();
    }

    @Test
    void stepsKeepTheNumberOfLiveArraysConstant() {
        for (double decay : new double[] {0, 0.1}) {
            try (NDManager m = NDManager.newBaseManager(); NDManager owner = m.newSubManager()) {
                NDArray w = m.create(new float[] {1f, -2f, 3f});
                w.setRequiresGradient(true);
                AdamW adam = new AdamW(Map.of("w", w), decay, owner);
                int first = stepAndCount(adam, w, owner, decay);
                for (int i = 0; i < 10; i++) {
                    stepAndCount(adam, w, owner, decay);
                }
                assertEquals(first, owner.getManagedArrays().size(), "weight decay " + decay);
            }
        }
    }
}
