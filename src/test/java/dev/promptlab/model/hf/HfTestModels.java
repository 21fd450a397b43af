package dev.promptlab.model.hf;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptlab.model.Architecture;
import dev.promptlab.model.KvPrefix;
import dev.promptlab.model.LanguageModel;
import dev.promptlab.model.ModelConfig;
import dev.promptlab.tensor.Rng;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Tiny Hugging Face models for tests, with deliberately large random weights so every component
 * (positions, ALiBi, layer-norm gains and biases, each projection) visibly moves the
 * log-probabilities; HF's own init (std 0.02) would leave them almost uniform.
 */
public final class HfTestModels {
    private static final ObjectMapper JSON = new ObjectMapper();

    private HfTestModels() {}

    /** A config.json object from alternating keys and values. */
    public static ObjectNode json(Object... keysAndValues) {
        ObjectNode o = JSON.createObjectNode();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            o.set((String) keysAndValues[i], JSON.valueToTree(keysAndValues[i + 1]));
        }
        return o;
    }

    /** A model of {@code arch} over random weights of the shapes {@code shapes} gives for the config. */
    public static LanguageModel random(Architecture arch, ObjectNode configJson,
            Function<ModelConfig, Map<String, Shape>> shapes, NDManager manager, long seed) {
        ModelConfig c = arch.readConfig(configJson);
        NDManager own = manager.newSubManager();
        return arch.fromWeights(c, weights(shapes.apply(c), own, seed), own);
    }

    /** Random weights: embeddings std 0.5, matrices 0.3, biases 0.1, layer-norm gains 1 ± 0.1. */
    public static Map<String, NDArray> weights(Map<String, Shape> shapes, NDManager manager, long seed) {
        Rng rng = new Rng(seed);
        Map<String, NDArray> w = new LinkedHashMap<>();
        shapes.forEach((name, s) -> {
            boolean norm = (name.contains("layer_norm") || name.contains("layernorm") || name.contains("ln_f"))
                    && name.endsWith(".weight");
            double std = norm ? 0.1 : name.endsWith(".bias") ? 0.1 : name.contains("embed") ? 0.5 : 0.3;
            float[] v = rng.gaussians((int) s.size(), std);
            if (norm) {
                for (int i = 0; i < v.length; i++) {
                    v[i] += 1f;
                }
            }
            w.put(name, manager.create(v, s));
        });
        return w;
    }

    /** Random token ids (B, T) in [0, V). */
    public static NDArray ids(NDManager m, Rng rng, int b, int t, int vocab) {
        long[] v = new long[b * t];
        for (int i = 0; i < v.length; i++) {
            v[i] = rng.nextInt(vocab);
        }
        return m.create(v, new Shape(b, t));
    }

    /** A random key/value prefix for every layer of {@code model}, (B, KV, P, D) each, std 1. */
    public static KvPrefix randomPrefix(LanguageModel model, NDManager m, Rng rng, int b, int p) {
        List<NDArray> keys = new ArrayList<>();
        List<NDArray> values = new ArrayList<>();
        Shape s = new Shape(b, model.numKeyValueHeads(), p, model.headSize()); // (B, KV, P, D)
        for (int l = 0; l < model.numLayers(); l++) {
            keys.add(m.create(rng.gaussians((int) s.size(), 1.0), s));
            values.add(m.create(rng.gaussians((int) s.size(), 1.0), s));
        }
        return new KvPrefix(keys, values);
    }

    public static float maxAbsDiff(NDArray a, NDArray b) {
        if (!a.getShape().equals(b.getShape())) {
            throw new AssertionError("shapes differ: " + a.getShape() + " vs " + b.getShape());
        }
        return a.sub(b).abs().max().getFloat();
    }
}
