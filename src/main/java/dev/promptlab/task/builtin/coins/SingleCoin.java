package dev.promptlab.task.builtin.coins;

import dev.promptlab.tensor.Rng;

/**
 * One coin with a fixed bias: every sequence comes from the same coin (a point of the Beta
 * prior's support, so prompting a Bayes-optimal pretrained predictor can reach it).
 *
 * @param pZero P(x = 0)
 */
public record SingleCoin(double pZero) implements CoinSource {
    public SingleCoin {
        CoinSource.requireProbability("coin bias P(x=0)", pZero);
    }

    @Override
    public double drawCoin(Rng rng) {
        return pZero;
    }

    @Override
    public String describe() {
        return "coin(" + pZero + ")";
    }
}
