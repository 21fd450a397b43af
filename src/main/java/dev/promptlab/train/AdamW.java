package dev.promptlab.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

import dev.promptlab.tensor.Scopes;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * AdamW (Loshchilov and Hutter) over named parameters, with its moments kept so that a
 * checkpoint can store them and training resumes exactly. Gradients are read once per step,
 * used, and zeroed here (DJL's PyTorch engine accumulates them otherwise).
 */
public final class AdamW implements AutoCloseable {
    private final Map<String, NDArray> params;
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private final NDManager manager;
    private final Map<String, NDArray> m = new LinkedHashMap<>();
    private final Map<String, NDArray> v = new LinkedHashMap<>();
    private int t;

    public AdamW(Map<String, NDArray> params, double weightDecay, NDManager parent) {
        this(params, 0.9, 0.999, 1e-8, weightDecay, parent);
    }

    public AdamW(Map<String, NDArray> params, double beta1, double beta2, double eps, double weightDecay,
            NDManager parent) {
        this.params = params;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.manager = parent.newSubManager();
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            m.put(e.getKey(), manager.zeros(e.getValue().getShape()));
            v.put(e.getKey(), manager.zeros(e.getValue().getShape()));
        }
    }

    /**
     * Clips the global gradient norm to {@code maxNorm} (0: no clipping) and returns the norm
     * before clipping. Call once per step, before {@link #step}.
     */
    public double clipGradients(double maxNorm) {
        double sumSquares = 0;
        try (NDManager scope = manager.newSubManager()) {
            Map<String, NDArray> grads = new LinkedHashMap<>();
            for (Map.Entry<String, NDArray> e : params.entrySet()) {
                NDArray g = e.getValue().getGradient(); // a new handle on the same storage
                g.attach(scope);
                grads.put(e.getKey(), g);
                NDArray squares = g.square(); // as large as the parameter: freed at once, one at a time
                sumSquares += squares.sum().getFloat();
                squares.close();
            }
            double norm = Math.sqrt(sumSquares);
            if (maxNorm > 0 && norm > maxNorm) {
                float scale = (float) (maxNorm / (norm + 1e-6));
                for (NDArray g : grads.values()) {
                    g.muli(scale);
                }
            }
            return norm;
        }
    }

    /**
     * Clips each group's gradient norm to {@code maxNorm} (0: no clipping) on its own and returns
     * each group's norm before clipping. A group is the parameters of one prompt of a
     * multi-prompt batch, so K prompts trained together clip as K separate runs would.
     */
    public double[] clipGradientsPerGroup(double maxNorm, List<List<String>> groups) {
        try (NDManager scope = manager.newSubManager()) {
            List<List<NDArray>> grads = new ArrayList<>(groups.size());
            NDList sumsOfSquares = new NDList(groups.size());
            for (List<String> group : groups) {
                List<NDArray> g = new ArrayList<>(group.size());
                NDArray sum = null; // ()
                for (String name : group) {
                    NDArray p = params.get(name);
                    if (p == null) {
                        throw new IllegalArgumentException("clipping group names '" + name + "', which is not a parameter"
                                + " (parameters: " + params.keySet() + ")");
                    }
                    NDArray gradient = p.getGradient(); // a new handle on the same storage
                    gradient.attach(scope);
                    g.add(gradient);
                    NDArray s = gradient.square().sum(); // ()
                    sum = sum == null ? s : sum.add(s);
                }
                grads.add(g);
                sumsOfSquares.add(sum == null ? scope.zeros(new ai.djl.ndarray.types.Shape()) : sum);
            }
            // one copy out of the engine for all K norms, not one per prompt
            float[] squares = NDArrays.stack(sumsOfSquares).toFloatArray(); // (K)
            double[] norms = new double[squares.length];
            for (int k = 0; k < norms.length; k++) {
                norms[k] = Math.sqrt(squares[k]);
                if (maxNorm > 0 && norms[k] > maxNorm) {
                    float scale = (float) (maxNorm / (norms[k] + 1e-6));
                    for (NDArray g : grads.get(k)) {
                        g.muli(scale);
                    }
                }
            }
            return norms;
        }
    }

    /** One update at learning rate {@code lr}; zeroes the gradients afterwards. */
    public void step(double lr) {
        t++;
        double c1 = 1 - Math.pow(beta1, t);
        double c2 = 1 - Math.pow(beta2, t);
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            // a scope per parameter: its temporaries (five arrays its size) go before the next one's
            // are made; for full tuning, one scope per step held five copies of the whole model
            try (NDManager scope = manager.newSubManager()) {
                NDArray p = e.getValue();
                NDArray g = p.getGradient();
                g.attach(scope);
                NDArray mi = m.get(e.getKey());
                NDArray vi = v.get(e.getKey());
                mi.muli(beta1).addi(g.mul(1 - beta1));
                vi.muli(beta2).addi(g.square().muli(1 - beta2));
                if (weightDecay > 0) {
                    p.subi(Scopes.into(scope, p.mul(lr * weightDecay)));
                }
                // results of ops on long-lived arrays land on their managers: move them into the step's scope
                NDArray mHat = Scopes.into(scope, mi.div(c1)); // same shape as p
                NDArray vHat = Scopes.into(scope, vi.div(c2)); // same shape as p
                p.subi(mHat.divi(vHat.sqrt().addi(eps)).muli(lr));
                g.subi(g); // zero in place: the next backward accumulates from 0
            }
        }
    }

    public int stepCount() {
        return t;
    }

    /** Moments by name ("m.NAME", "v.NAME") for checkpoints. */
    public Map<String, NDArray> state() {
        Map<String, NDArray> s = new LinkedHashMap<>();
        m.forEach((k, a) -> s.put("m." + k, a));
        v.forEach((k, a) -> s.put("v." + k, a));
        return s;
    }

    public void restore(Map<String, NDArray> state, int stepCount) {
        for (String k : params.keySet()) {
            copyInto(state, "m." + k, m.get(k));
            copyInto(state, "v." + k, v.get(k));
        }
        this.t = stepCount;
    }

    private static void copyInto(Map<String, NDArray> state, String key, NDArray dst) {
        NDArray src = state.get(key);
        if (src == null || !src.getShape().equals(dst.getShape())) {
            throw new IllegalArgumentException("optimizer state '" + key + "' is missing or has shape "
                    + (src == null ? "none" : src.getShape()) + ", expected " + dst.getShape());
        }
        dst.set(src.toFloatArray());
    }

    @Override
    public void close() {
        manager.close();
    }
}
