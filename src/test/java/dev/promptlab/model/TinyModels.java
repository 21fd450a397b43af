package dev.promptlab.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.promptlab.tensor.Rng;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Tiny models with deliberately large random weights, so every component (positions, layer-norm
 * gains and biases, each projection) visibly moves the log-probabilities; GPT-2's own init
 * (std 0.02) would leave them almost uniform and make comparisons weak.
 */
final class TinyModels {
    private TinyModels() {}

    static ModelConfig gptConfig() {
        return new ModelConfig("gpt", 50, 32, 16, 2, 2, 64, 1e-5, 0, 1);
    }

    static ModelConfig lstmConfig() {
        return new ModelConfig("lstm", 40, 64, 12, 2, 0, 0, 1e-5, 0, 1);
    }

    static Gpt gpt(NDManager manager, long seed) {
        ModelConfig c = gptConfig();
        return Gpt.fromWeights(c, random(Gpt.expectedShapes(c), manager, seed), manager.newSubManager());
    }

    static Lstm lstm(NDManager manager, long seed) {
        ModelConfig c = lstmConfig();
        return Lstm.fromWeights(c, random(Lstm.expectedShapes(c), manager, seed), manager.newSubManager());
    }

    static Map<String, NDArray> random(Map<String, Shape> shapes, NDManager manager, long seed) {
        Rng rng = new Rng(seed);
        Map<String, NDArray> w = new LinkedHashMap<>();
        for (Map.Entry<String, Shape> e : shapes.entrySet()) {
            String name = e.getKey();
            Shape s = e.getValue();
            float[] v = rng.gaussians((int) s.size(), name.endsWith(".bias") || name.startsWith("lstm.bias") ? 0.1
                    : name.startsWith("lstm.") ? 0.3 : name.contains("wte") || name.contains("wpe") ? 0.5 : 0.3);
            if (name.contains("ln_") && name.endsWith(".weight")) {
                for (int i = 0; i < v.length; i++) {
                    v[i] = 1f + v[i] / 3f;
                }
            }
            w.put(name, manager.create(v, s));
        }
        return w;
    }

    /** Random token ids (B, T) in [0, V). */
    static NDArray ids(NDManager m, Rng rng, int b, int t, int vocab) {
        long[] v = new long[b * t];
        for (int i = 0; i < v.length; i++) {
            v[i] = rng.nextInt(vocab);
        }
        return m.create(v, new Shape(b, t));
    }

    static float maxAbsDiff(NDArray a, NDArray b) {
        if (!a.getShape().equals(b.getShape())) {
            throw new AssertionError("shapes differ: " + a.getShape() + " vs " + b.getShape());
        }
        return a.sub(b).abs().max().getFloat();
    }
}
