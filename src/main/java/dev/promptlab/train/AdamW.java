package dev.promptlab.train;

import ai.djl.ndarray.NDArray;
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
                sumSquares += g.square().sum().getFloat();
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
     * Clips each prompt's gradient norm to {@code maxNorm} (0: no clipping) on its own, where
     * the first axis of every parameter indexes {@code prompts} independent prompts (multi-prompt
     * batching); returns the largest per-prompt norm before clipping.
     */
    public double clipGradientsPerPrompt(double maxNorm, int prompts) {
        try (NDManager scope = manager.newSubManager()) {
            List<NDArray> grads = new ArrayList<>();
            NDArray sumSquares = null; // (K)
            for (Map.Entry<String, NDArray> e : params.entrySet()) {
                NDArray g = e.getValue().getGradient(); // a new handle on the same storage
                g.attach(scope);
                if (g.getShape().dimension() == 0 || g.getShape().get(0) != prompts) {
                    throw new IllegalArgumentException("parameter '" + e.getKey() + "' has shape " + g.getShape()
                            + "; per-prompt clipping needs " + prompts + " prompts on its first axis");
                }
                grads.add(g);
                NDArray s = g.square().reshape(prompts, -1).sum(new int[] {1}); // (K)
                sumSquares = sumSquares == null ? s : sumSquares.add(s); // (K)
            }
            NDArray norms = sumSquares.sqrt(); // (K)
            double largest = norms.max().getFloat();
            if (maxNorm > 0 && largest > maxNorm) {
                NDArray scale = norms.add(1e-6f).pow(-1f).mul((float) maxNorm).minimum(1f); // (K): 1 where within bounds
                for (NDArray g : grads) {
                    long[] broadcast = new long[g.getShape().dimension()];
                    java.util.Arrays.fill(broadcast, 1);
                    broadcast[0] = prompts;
                    g.muli(scale.reshape(broadcast)); // (K, ...) each prompt scaled by its own factor
                }
            }
            return largest;
        }
    }

    /** One update at learning rate {@code lr}; zeroes the gradients afterwards. */
    public void step(double lr) {
        t++;
        double c1 = 1 - Math.pow(beta1, t);
        double c2 = 1 - Math.pow(beta2, t);
        try (NDManager scope = manager.newSubManager()) {
            for (Map.Entry<String, NDArray> e : params.entrySet()) {
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
