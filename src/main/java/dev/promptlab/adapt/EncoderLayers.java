package dev.promptlab.adapt;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.promptlab.tensor.Rng;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The small torch layers PEFT's prompt encoders are made of, with torch's parameter names,
 * layouts and default initialisations, so their weights mean the same thing in both places.
 */
final class EncoderLayers {
    private EncoderLayers() {}

    /** nn.Embedding's init: normal(0, 1), (rows, dim). */
    static NDArray embedding(NDManager m, Rng rng, int rows, int dim) {
        return m.create(rng.gaussians(rows * dim, 1.0), new Shape(rows, dim)); // (rows, dim)
    }

    /** uniform(-bound, bound) of the given shape (nn.Linear and nn.LSTM's default init). */
    static NDArray uniform(NDManager m, Rng rng, double bound, long... shape) {
        Shape s = new Shape(shape);
        float[] v = new float[Math.toIntExact(s.size())];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) ((2 * rng.nextDouble() - 1) * bound);
        }
        return m.create(v, s);
    }

    /**
     * nn.Linear(in, out) as {@code name.weight} (out, in) and {@code name.bias} (out), both
     * uniform(±1/sqrt(in)) as torch initialises them.
     */
    static void linear(Map<String, NDArray> into, String name, NDManager m, Rng rng, int in, int out) {
        double bound = 1 / Math.sqrt(in);
        into.put(name + ".weight", uniform(m, rng, bound, out, in)); // (out, in)
        into.put(name + ".bias", uniform(m, rng, bound, out)); // (out)
    }

    /** x (N, in) · weightᵀ + bias, torch's F.linear; views of the parameters go on x's manager. */
    static NDArray apply(Map<String, NDArray> params, String name, NDArray x) {
        NDArray w = VirtualTokens.view(params.get(name + ".weight"), x.getManager()); // (out, in)
        NDArray b = VirtualTokens.view(params.get(name + ".bias"), x.getManager()); // (out)
        return x.getNDArrayInternal().linear(x, w, b).singletonOrThrow(); // (N, out)
    }

    /** Copies of {@code source}'s arrays as F32 in {@code m}, in the same order. */
    static Map<String, NDArray> copies(Map<String, NDArray> source, NDManager m) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : source.entrySet()) {
            NDArray c = e.getValue().toType(DataType.FLOAT32, false).duplicate(); // own storage, not an alias
            c.attach(m);
            out.put(e.getKey(), c);
        }
        return out;
    }

    /** Checks that {@code given} has exactly the names and shapes of {@code expected}; message names the file. */
    static void requireShapes(Map<String, NDArray> given, Map<String, Shape> expected, String file) {
        if (!given.keySet().equals(expected.keySet())) {
            throw new AdapterException(file + ": has tensors " + new java.util.TreeSet<>(given.keySet())
                    + " but this adapter needs " + new java.util.TreeSet<>(expected.keySet()));
        }
        for (Map.Entry<String, Shape> e : expected.entrySet()) {
            Shape s = given.get(e.getKey()).getShape();
            if (!s.equals(e.getValue())) {
                throw new AdapterException(file + ": '" + e.getKey() + "' has shape " + s + " but this model needs "
                        + e.getValue() + " (was the adapter trained for another model?)");
            }
        }
    }
}
