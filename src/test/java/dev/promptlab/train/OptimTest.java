package dev.promptlab.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class OptimTest {
    @Test
    void scheduleWarmsUpThenDecaysToZero() {
        LinearSchedule s = new LinearSchedule(1.0, 4, 12);
        assertEquals(0.25, s.at(0), 1e-12);
        assertEquals(1.0, s.at(3), 1e-12);
        assertEquals(1.0, s.at(4), 1e-12);
        assertEquals(0.5, s.at(8), 1e-12);
        assertEquals(0.125, s.at(11), 1e-12);
        assertEquals(1.0, new LinearSchedule(1.0, 0, 10).at(0), 1e-12);
    }

    @Test
    void adamwFirstStepMovesEachWeightByLrTimesSignAndZeroesGradients() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray w = m.create(new float[] {1f, -2f, 3f});
            w.setRequiresGradient(true);
            AdamW adam = new AdamW(Map.of("w", w), 0.0, m);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                gc.backward(w.mul(m.create(new float[] {2f, -3f, 0.5f})).sum());
            }
            adam.step(0.1);
            // bias-corrected first Adam step is lr * g/|g| (eps aside)
            assertArrayEquals(new float[] {0.9f, -1.9f, 2.9f}, w.toFloatArray(), 1e-5f);
            assertArrayEquals(new float[] {0f, 0f, 0f}, w.getGradient().toFloatArray());
            assertEquals(1, adam.stepCount());
        }
    }

    @Test
    void clippingScalesTheGlobalNorm() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray a = m.create(new float[] {0f, 0f});
            NDArray b = m.create(new float[] {0f});
            a.setRequiresGradient(true);
            b.setRequiresGradient(true);
            AdamW adam = new AdamW(Map.of("a", a, "b", b), 0.0, m);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                gc.backward(a.mul(m.create(new float[] {3f, 0f})).sum().add(b.mul(4f).sum()));
            }
            assertEquals(5.0, adam.clipGradients(1.0), 1e-5);
            assertArrayEquals(new float[] {0.6f, 0f}, a.getGradient().toFloatArray(), 1e-5f);
            assertArrayEquals(new float[] {0.8f}, b.getGradient().toFloatArray(), 1e-5f);
        }
    }

    @Test
    void trainerMinimisesAQuadraticAndStopsOnDivergence() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray w = m.create(new float[] {5f, -5f});
            BatchSource none = new BatchSource() {
                public Batch next(NDManager mm) {
                    return null;
                }

                public long[] state() {
                    return new long[0];
                }

                public void restore(long[] s) {}
            };
            NDArray target = m.create(new float[] {1f, 2f});
            Trainer t = new Trainer(new TrainConfig(1000, 1, 0.1, 0, 0, 0, 0, 1, 0), Map.of("w", w),
                    batch -> w.sub(target).square().sum(), none, m);
            t.run();
            assertArrayEquals(new float[] {1f, 2f}, w.toFloatArray(), 0.05f);

            NDArray v = m.create(new float[] {1f});
            Trainer bad = new Trainer(new TrainConfig(5, 1, 0.1, 0, 0, 0, 0, 1, 0), Map.of("v", v),
                    batch -> v.log().mul(Float.NaN).sum(), none, m);
            assertThrows(TrainingDivergedException.class, bad::run);
            assertArrayEquals(new float[] {1f}, v.toFloatArray(), "a diverged step must not update");
        }
    }
}
