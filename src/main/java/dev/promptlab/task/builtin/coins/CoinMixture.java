package dev.promptlab.task.builtin.coins;

import dev.promptlab.tensor.Rng;

import java.util.Arrays;

/**
 * A mixture of coins: each sequence picks coin j with probability {@code weights[j]} and then
 * flips it. A two-coin mixture is bimodal over the bias, which conditioning a Beta prior (always
 * a unimodal Beta posterior) cannot express.
 *
 * @param weights mixing weights, non-negative, summing to 1
 * @param pZeros each coin's P(x = 0)
 */
public record CoinMixture(double[] weights, double[] pZeros) implements CoinSource {
    public CoinMixture {
        if (weights == null || pZeros == null || weights.length == 0 || weights.length != pZeros.length) {
            throw new IllegalArgumentException("a coin mixture needs as many weights as coins (at least one), got "
                    + (weights == null ? "null" : weights.length) + " weights and "
                    + (pZeros == null ? "null" : pZeros.length) + " coins");
        }
        double sum = 0;
        for (int j = 0; j < weights.length; j++) {
            if (!(weights[j] >= 0)) {
                throw new IllegalArgumentException("mixing weight " + j + " must be >= 0, got " + weights[j]);
            }
            CoinSource.requireProbability("bias P(x=0) of coin " + j, pZeros[j]);
            sum += weights[j];
        }
        if (Math.abs(sum - 1) > 1e-9) {
            throw new IllegalArgumentException("mixing weights must sum to 1, got " + Arrays.toString(weights)
                    + " (sum " + sum + ")");
        }
        weights = weights.clone();
        pZeros = pZeros.clone();
    }

    /** The 50/50 mixture of coin(p) and coin(q). */
    public static CoinMixture even(double p, double q) {
        return new CoinMixture(new double[] {0.5, 0.5}, new double[] {p, q});
    }

    @Override
    public double[] weights() {
        return weights.clone();
    }

    @Override
    public double[] pZeros() {
        return pZeros.clone();
    }

    public int coins() {
        return weights.length;
    }

    @Override
    public double drawCoin(Rng rng) {
        double u = rng.nextDouble();
        double acc = 0;
        for (int j = 0; j < weights.length; j++) {
            acc += weights[j];
            if (u < acc) {
                return pZeros[j];
            }
        }
        return pZeros[pZeros.length - 1]; // u within rounding of 1
    }

    @Override
    public String describe() {
        StringBuilder s = new StringBuilder();
        for (int j = 0; j < weights.length; j++) {
            s.append(j == 0 ? "" : " + ").append(weights[j]).append("·coin(").append(pZeros[j]).append(')');
        }
        return s.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CoinMixture m && Arrays.equals(weights, m.weights) && Arrays.equals(pZeros, m.pZeros);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(weights) + Arrays.hashCode(pZeros);
    }

    @Override
    public String toString() {
        return "CoinMixture[" + describe() + "]";
    }
}
