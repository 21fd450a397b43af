package dev.promptlab.task.builtin.coins;

import dev.promptlab.tensor.Rng;

/**
 * Random coins: the bias P(x = 0) ~ Beta(alpha0, alpha1), then iid flips. With Beta(1, 1) (the
 * uniform prior) this is the pretraining distribution of the Bayesian prompting study; its
 * Bayes-optimal predictor is the Beta-Bernoulli (Laplace) rule.
 *
 * @param alpha0 pseudo-count of 0s
 * @param alpha1 pseudo-count of 1s
 */
public record RandomCoins(double alpha0, double alpha1) implements CoinSource {
    public RandomCoins {
        if (!(alpha0 > 0) || !(alpha1 > 0) || Double.isInfinite(alpha0) || Double.isInfinite(alpha1)) {
            throw new IllegalArgumentException("Beta prior parameters must be positive and finite, got alpha0="
                    + alpha0 + ", alpha1=" + alpha1);
        }
    }

    /** The uniform prior Beta(1, 1). */
    public static RandomCoins uniform() {
        return new RandomCoins(1, 1);
    }

    @Override
    public double drawCoin(Rng rng) {
        if (alpha0 == 1 && alpha1 == 1) {
            return rng.nextDouble(); // Beta(1, 1) is uniform: skip the gamma draws
        }
        double x = gamma(alpha0, rng);
        double y = gamma(alpha1, rng);
        return x / (x + y);
    }

    /**
     * Gamma(shape, 1) by Marsaglia and Tsang (2000); shapes below 1 use the boost
     * Gamma(a) = Gamma(a + 1) · U^(1/a).
     */
    static double gamma(double shape, Rng rng) {
        if (shape < 1) {
            double u = rng.nextDouble();
            return gamma(shape + 1, rng) * Math.pow(Math.max(u, 1e-300), 1 / shape);
        }
        double d = shape - 1.0 / 3;
        double c = 1 / Math.sqrt(9 * d);
        while (true) {
            double z = rng.nextGaussian();
            double v = 1 + c * z;
            if (v <= 0) {
                continue;
            }
            v = v * v * v;
            double u = rng.nextDouble();
            if (Math.log(Math.max(u, 1e-300)) < 0.5 * z * z + d - d * v + d * Math.log(v)) {
                return d * v;
            }
        }
    }

    @Override
    public String describe() {
        return "Beta(" + alpha0 + ", " + alpha1 + ") coins";
    }
}
