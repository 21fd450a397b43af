package dev.promptlab.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.promptlab.tensor.Rng;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;

/** Shared weight handling of the built-in models: validation by name and shape, and initialisation. */
final class Weights {
    private Weights() {}

    /**
     * Takes the expected weights out of {@code given} (names first mapped by {@code rename}; names
     * for which {@code ignore} holds are skipped), checks every shape and dtype, and attaches the
     * arrays to {@code manager}. Fails naming every missing, unexpected or mis-shaped tensor.
     *
     * @return the weights in the order of {@code expected}
     */
    static Map<String, NDArray> take(String model, Map<String, Shape> expected, Map<String, NDArray> given,
            Function<String, String> rename, Predicate<String> ignore, NDManager manager) {
        Map<String, NDArray> byName = new LinkedHashMap<>();
        List<String> unexpected = new ArrayList<>();
        for (Map.Entry<String, NDArray> e : given.entrySet()) {
            String name = rename.apply(e.getKey());
            if (ignore.test(name)) {
                continue;
            }
            if (!expected.containsKey(name)) {
                unexpected.add(e.getKey());
                continue;
            }
            if (byName.put(name, e.getValue()) != null) {
                throw new IllegalArgumentException(model + " checkpoint has tensor '" + name + "' twice (with and without prefix?)");
            }
        }
        List<String> missing = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, Shape> e : expected.entrySet()) {
            NDArray a = byName.get(e.getKey());
            if (a == null) {
                missing.add(e.getKey());
            } else if (!a.getShape().equals(e.getValue())) {
                problems.add("tensor '" + e.getKey() + "' has shape " + a.getShape() + ", expected " + e.getValue());
            } else if (a.getDataType() != DataType.FLOAT32) {
                problems.add("tensor '" + e.getKey() + "' has dtype " + a.getDataType() + ", expected a float type");
            }
        }
        if (!missing.isEmpty()) {
            problems.add(0, "missing tensor" + (missing.size() > 1 ? "s " : " ") + shortList(missing));
        }
        if (!unexpected.isEmpty()) {
            problems.add("unexpected tensor" + (unexpected.size() > 1 ? "s " : " ") + shortList(unexpected)
                    + " (does config.json match the weights?)");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(model + " weights do not match the config: " + String.join("; ", problems));
        }
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (String name : expected.keySet()) {
            NDArray a = byName.get(name);
            a.attach(manager);
            a.setName(name);
            out.put(name, a);
        }
        return Collections.unmodifiableMap(out);
    }

    private static String shortList(List<String> names) {
        List<String> quoted = names.stream().limit(8).map(n -> "'" + n + "'").toList();
        return String.join(", ", quoted) + (names.size() > 8 ? " and " + (names.size() - 8) + " more" : "");
    }

    /**
     * Detached copies of {@code weights} in {@code manager}, same names and order, none requiring a
     * gradient (the copy is a new leaf even when an original is being trained).
     */
    static Map<String, NDArray> copies(Map<String, NDArray> weights, NDManager manager) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : weights.entrySet()) {
            NDArray detached = e.getValue().stopGradient(); // (same shape) shares storage, no graph
            NDArray copy = detached.duplicate(); // (same shape) own storage
            detached.close();
            copy.attach(manager);
            out.put(e.getKey(), copy);
        }
        return out;
    }

    static NDArray normal(NDManager m, Rng rng, Shape shape, double std) {
        return m.create(rng.gaussians(Math.toIntExact(shape.size()), std), shape); // shape as given
    }

    static NDArray uniform(NDManager m, Rng rng, Shape shape, double bound) {
        float[] v = new float[Math.toIntExact(shape.size())];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) ((2 * rng.nextDouble() - 1) * bound);
        }
        return m.create(v, shape); // shape as given
    }

    static NDArray constant(NDManager m, Shape shape, float value) {
        float[] v = new float[Math.toIntExact(shape.size())];
        Arrays.fill(v, value);
        return m.create(v, shape); // shape as given
    }

    /**
     * Fails with the offending id when {@code ids} holds a value outside [0, vocab): libtorch's
     * embedding would otherwise abort the JVM or read out of bounds.
     */
    static void checkIds(NDArray ids, int vocab) {
        if (ids.getDataType() != DataType.INT64 && ids.getDataType() != DataType.INT32) {
            throw new IllegalArgumentException("ids must be INT64 or INT32, got " + ids.getDataType());
        }
        for (long id : ids.toType(DataType.INT64, false).toLongArray()) {
            if (id < 0 || id >= vocab) {
                throw new IllegalArgumentException("token id " + id + " outside vocab_size " + vocab);
            }
        }
    }
}
