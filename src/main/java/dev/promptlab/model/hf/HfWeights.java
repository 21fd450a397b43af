package dev.promptlab.model.hf;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.promptlab.tensor.Rng;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Checkpoint weights of the Hugging Face architectures: matching a loaded safetensors map against
 * the expected names and shapes, and HF-style random initialisation.
 */
public final class HfWeights {
    private HfWeights() {}

    /**
     * Takes the expected weights out of {@code given} and attaches them to {@code manager}.
     *
     * <p>Names are canonical, with the causal-LM wrapper's base prefix ({@code "model."},
     * {@code "transformer."}). A name without that prefix is accepted as Hugging Face accepts it
     * (a checkpoint saved from the bare base model loads into the causal-LM class the same way);
     * names for which {@code ignore} holds (tied {@code lm_head.weight}) are skipped.
     *
     * @throws IllegalArgumentException naming every missing, unexpected, duplicated or mis-shaped tensor
     */
    public static Map<String, NDArray> take(String arch, Map<String, Shape> expected, Map<String, NDArray> given,
            String basePrefix, Predicate<String> ignore, NDManager manager) {
        Map<String, NDArray> found = new TreeMap<>();
        List<String> errors = new ArrayList<>();
        List<String> extra = new ArrayList<>();
        for (Map.Entry<String, NDArray> e : given.entrySet()) {
            String raw = e.getKey();
            String name = expected.containsKey(raw) || ignore.test(raw) ? raw : basePrefix + raw;
            if (ignore.test(name)) {
                continue;
            }
            if (!expected.containsKey(name)) {
                extra.add(raw);
            } else if (found.put(name, e.getValue()) != null) {
                errors.add("tensor '" + name + "' appears twice (with and without the '" + basePrefix + "' prefix)");
            }
        }
        List<String> missing = new ArrayList<>();
        expected.forEach((name, shape) -> {
            NDArray a = found.get(name);
            if (a == null) {
                missing.add(name);
            } else if (!a.getShape().equals(shape)) {
                errors.add("tensor '" + name + "' has shape " + a.getShape() + ", expected " + shape);
            } else if (a.getDataType() != DataType.FLOAT32) {
                errors.add("tensor '" + name + "' has dtype " + a.getDataType() + ", expected a float type");
            }
        });
        if (!missing.isEmpty()) {
            errors.add(0, "missing " + names(missing));
        }
        if (!extra.isEmpty()) {
            errors.add("unexpected " + names(extra) + " (does config.json match the weights?)");
        }
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException(arch + " weights do not match the config: " + String.join("; ", errors));
        }
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (String name : expected.keySet()) {
            NDArray a = found.get(name);
            a.attach(manager);
            a.setName(name);
            out.put(name, a);
        }
        return Collections.unmodifiableMap(out);
    }

    /**
     * Hugging Face's {@code _init_weights} for these models, deterministic in {@code rng}: every
     * matrix normal(0, std), biases zero, layer-norm gains one (names for which {@code isNormGain}
     * holds). Arrays are created in {@code manager}, in the order of {@code shapes}.
     */
    public static Map<String, NDArray> init(Map<String, Shape> shapes, double std, Predicate<String> isNormGain,
            Rng rng, NDManager manager) {
        Map<String, NDArray> w = new LinkedHashMap<>();
        shapes.forEach((name, shape) -> {
            int n = Math.toIntExact(shape.size());
            float[] v;
            if (isNormGain.test(name)) {
                v = new float[n];
                java.util.Arrays.fill(v, 1f);
            } else if (name.endsWith(".bias")) {
                v = new float[n];
            } else {
                v = rng.gaussians(n, std);
            }
            w.put(name, manager.create(v, shape)); // shape as given
        });
        return w;
    }

    private static String names(List<String> list) {
        String shown = String.join(", ", list.stream().limit(8).map(n -> "'" + n + "'").toList());
        return (list.size() == 1 ? "tensor " : "tensors ") + shown
                + (list.size() > 8 ? " and " + (list.size() - 8) + " more" : "");
    }
}
