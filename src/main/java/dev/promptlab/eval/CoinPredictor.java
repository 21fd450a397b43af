package dev.promptlab.eval;

import dev.promptlab.task.builtin.coins.CoinSequences;

/**
 * Anything that predicts binary sequences symbol by symbol: the exact Bayes predictors of
 * {@code analysis.Bayes} and networks with or without an adapter ({@link NetworkPredictor}), so
 * one evaluation code ({@link Regret}) serves them all.
 */
public interface CoinPredictor {
    /** The predictive distribution at every position of every sequence (the first before any symbol). */
    CoinPredictions predict(CoinSequences sequences);
}
