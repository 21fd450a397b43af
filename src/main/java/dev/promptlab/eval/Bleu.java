package dev.promptlab.eval;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Corpus BLEU-4 (Papineni et al., 2002) with one reference per prediction, over the
 * lower-cased whitespace tokens of {@link Metrics#normalize}.
 *
 * <p>BLEU = BP · exp(¼ Σ_{n=1..4} log p_n), where p_n is the clipped n-gram precision summed
 * over the whole corpus (matches of each n-gram are clipped at its count in the reference) and
 * BP = 1 if c &gt; r else exp(1 − r/c), with c and r the total prediction and reference lengths.
 *
 * <p>Smoothing (Lin and Och, 2004, "add-one for n &gt; 1"; NLTK's {@code method2}): for n = 2..4,
 * p_n = (matches + 1) / (total + 1), so one missing 4-gram does not zero the score of short
 * outputs; p_1 is never smoothed, so a corpus with no unigram match scores 0. The result is in
 * [0, 1] (multiply by 100 for the usual scale); an empty prediction corpus scores 0.
 */
public final class Bleu {
    public static final int MAX_ORDER = 4;

    private Bleu() {}

    public static double corpus(List<String> predictions, List<String> references) {
        if (predictions.size() != references.size()) {
            throw new IllegalArgumentException(predictions.size() + " predictions but " + references.size() + " references");
        }
        long[] matches = new long[MAX_ORDER + 1];
        long[] totals = new long[MAX_ORDER + 1];
        long c = 0;
        long r = 0;
        for (int i = 0; i < predictions.size(); i++) {
            List<String> pred = TextTokens.of(predictions.get(i));
            List<String> ref = TextTokens.of(references.get(i));
            c += pred.size();
            r += ref.size();
            for (int n = 1; n <= MAX_ORDER; n++) {
                Map<List<String>, Integer> refCounts = ngrams(ref, n);
                for (Map.Entry<List<String>, Integer> e : ngrams(pred, n).entrySet()) {
                    matches[n] += Math.min(e.getValue(), refCounts.getOrDefault(e.getKey(), 0));
                    totals[n] += e.getValue();
                }
            }
        }
        if (c == 0 || matches[1] == 0) {
            return 0;
        }
        double logSum = Math.log((double) matches[1] / totals[1]);
        for (int n = 2; n <= MAX_ORDER; n++) {
            logSum += Math.log((matches[n] + 1.0) / (totals[n] + 1.0));
        }
        double brevity = c > r ? 1 : Math.exp(1 - (double) r / c);
        return brevity * Math.exp(logSum / MAX_ORDER);
    }

    static Map<List<String>, Integer> ngrams(List<String> tokens, int n) {
        Map<List<String>, Integer> counts = new HashMap<>();
        for (int i = 0; i + n <= tokens.size(); i++) {
            counts.merge(tokens.subList(i, i + n), 1, Integer::sum);
        }
        return counts;
    }
}
