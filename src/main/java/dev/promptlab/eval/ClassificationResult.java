package dev.promptlab.eval;

import java.util.List;

/**
 * Verbalizer classification over a labelled set.
 *
 * @param n examples scored
 * @param accuracy fraction predicted right
 * @param macroF1 unweighted mean of per-label F1
 * @param predictions predicted label per example, in input order
 */
public record ClassificationResult(int n, double accuracy, double macroF1, List<String> predictions) {}
