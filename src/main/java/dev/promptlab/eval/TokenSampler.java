package dev.promptlab.eval;

import dev.promptlab.tensor.Rng;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Picks the next token from one row of logits: the arg-max at temperature 0, else a draw from
 * softmax(logits / temperature) restricted to the smallest set of tokens whose probability mass
 * reaches {@code topP} (nucleus sampling), renormalised. Works on a Java array: V ≤ a few 10⁵, so
 * sorting once per token costs far less than the forward pass that produced the logits.
 */
public final class TokenSampler {
    private final double temperature;
    private final double topP;
    private final Rng rng;

    public TokenSampler(double temperature, double topP, long seed) {
        this.temperature = temperature;
        this.topP = topP;
        this.rng = new Rng(seed);
    }

    /** The chosen id for {@code logits} (V). */
    public int next(float[] logits) {
        if (temperature == 0) {
            return argMax(logits);
        }
        double[] p = softmax(logits, temperature);
        Integer[] order = IntStream.range(0, p.length).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> -p[i]));
        int keep = 0;
        double mass = 0;
        while (keep < order.length && (keep == 0 || mass < topP)) {
            mass += p[order[keep++]];
        }
        double u = rng.nextDouble() * mass;
        double acc = 0;
        for (int i = 0; i < keep; i++) {
            acc += p[order[i]];
            if (u < acc) {
                return order[i];
            }
        }
        return order[keep - 1]; // u landed on the rounding error at the very top
    }

    static int argMax(float[] x) {
        int best = 0;
        for (int i = 1; i < x.length; i++) {
            if (x[i] > x[best]) {
                best = i;
            }
        }
        return best;
    }

    /** softmax(x / temperature) in double precision, shifted by the max for stability. */
    static double[] softmax(float[] x, double temperature) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : x) {
            max = Math.max(max, v);
        }
        double[] p = new double[x.length];
        double sum = 0;
        for (int i = 0; i < x.length; i++) {
            p[i] = Math.exp((x[i] - max) / temperature);
            sum += p[i];
        }
        for (int i = 0; i < p.length; i++) {
            p[i] /= sum;
        }
        return p;
    }

    /** log-softmax of {@code x} in double precision. */
    static double[] logSoftmax(float[] x) {
        double log = logSumExp(x);
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i] - log;
        }
        return out;
    }

    /** log softmax(x)[id], without materialising the whole distribution. */
    static double logProb(float[] x, int id) {
        return x[id] - logSumExp(x);
    }

    private static double logSumExp(float[] x) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : x) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (float v : x) {
            sum += Math.exp(v - max);
        }
        return max + Math.log(sum);
    }
}
