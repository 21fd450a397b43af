package dev.promptlab.eval;

import java.util.List;

/**
 * A corpus BLEU score with the statistics it was computed from, as sacreBLEU reports them.
 *
 * @param score BLEU on the 0-100 scale
 * @param matches clipped n-gram matches per order n = 1..N (index n - 1)
 * @param totals hypothesis n-grams per order
 * @param precisions n-gram precisions in percent after smoothing (0 for an order that was not reached)
 * @param brevityPenalty exp(1 - r/c) when c &lt; r, else 1 (0 when c = 0)
 * @param hypothesisLength c, the hypotheses' tokens in all
 * @param referenceLength r, the sum over hypotheses of the closest reference length
 */
public record BleuScore(double score, List<Long> matches, List<Long> totals, List<Double> precisions,
        double brevityPenalty, long hypothesisLength, long referenceLength) {
    public BleuScore {
        matches = List.copyOf(matches);
        totals = List.copyOf(totals);
        precisions = List.copyOf(precisions);
    }
}
