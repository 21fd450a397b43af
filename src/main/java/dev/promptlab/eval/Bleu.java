package dev.promptlab.eval;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Corpus BLEU (Papineni et al., 2002) exactly as sacreBLEU computes it with its defaults
 * ({@code sacrebleu.corpus_bleu(hyps, refs)}, signature {@code c:mixed|e:no|tok:13a|s:exp}), on
 * sacreBLEU's <b>0-100 scale</b>; the study and the CLI report this figure, as papers do.
 *
 * <ul>
 *   <li>Each segment is right-stripped and tokenised with {@link Tokenizer13a}; case is kept.</li>
 *   <li>n-gram matches (n = 1..4) are clipped by the largest count of that n-gram in any one
 *       reference of the segment, and summed with the n-gram totals over the corpus.</li>
 *   <li>The reference length of a segment is that of its reference closest in length to the
 *       hypothesis (the shorter on a tie); brevity penalty BP = exp(1 - r/c) when c &lt; r.</li>
 *   <li>Precision p_n = 100 · matches / total; smoothing "exp" (NIST's, mteval-v13a): the i-th
 *       order with no match gets p_n = 100 / (2^i · total) instead of 0.</li>
 *   <li>BLEU = BP · exp(¼ Σ log p_n). It is 0 when nothing matches at all, and also when the
 *       corpus has no n-gram of some order n (every hypothesis shorter than n tokens): without
 *       sacreBLEU's opt-in "effective order", such a corpus has no defined BLEU-4.</li>
 * </ul>
 */
public final class Bleu {
    public static final int MAX_ORDER = 4;

    private Bleu() {}

    /** BLEU (0-100) of hypotheses against one reference each. */
    public static double corpus(List<String> hypotheses, List<String> references) {
        return score(hypotheses, Metrics.oneEach(references), MAX_ORDER).score();
    }

    /** BLEU (0-100) of hypotheses against several references each: {@code references.get(i)} are hypothesis i's. */
    public static double corpusMultiReference(List<String> hypotheses, List<? extends List<String>> references) {
        return score(hypotheses, references, MAX_ORDER).score();
    }

    /**
     * BLEU up to n-grams of {@code maxOrder} with its statistics.
     *
     * @param references per hypothesis, its references (at least one)
     */
    public static BleuScore score(List<String> hypotheses, List<? extends List<String>> references, int maxOrder) {
        Metrics.requirePaired(hypotheses.size(), references.size());
        if (maxOrder < 1) {
            throw new IllegalArgumentException("maxOrder must be at least 1, got " + maxOrder);
        }
        long[] matches = new long[maxOrder];
        long[] totals = new long[maxOrder];
        long c = 0;
        long r = 0;
        for (int i = 0; i < hypotheses.size(); i++) {
            List<String> refs = references.get(i);
            if (refs == null || refs.isEmpty() || refs.stream().anyMatch(java.util.Objects::isNull)) {
                throw new IllegalArgumentException("hypothesis " + i + " needs at least one reference and no null ones, got " + refs);
            }
            List<String> hyp = words(hypotheses.get(i));
            Map<String, Integer> refMax = new HashMap<>();
            int[] refLengths = new int[refs.size()];
            for (int j = 0; j < refs.size(); j++) {
                List<String> ref = words(refs.get(j));
                refLengths[j] = ref.size();
                ngrams(ref, maxOrder).forEach((g, n) -> refMax.merge(g, n, Math::max));
            }
            c += hyp.size();
            r += closestLength(hyp.size(), refLengths);
            for (Map.Entry<String, Integer> e : ngrams(hyp, maxOrder).entrySet()) {
                int order = order(e.getKey());
                totals[order - 1] += e.getValue();
                matches[order - 1] += Math.min(e.getValue(), refMax.getOrDefault(e.getKey(), 0));
            }
        }
        return fromCounts(matches, totals, c, r);
    }

    /** BLEU from corpus statistics, with sacreBLEU's "exp" smoothing. */
    static BleuScore fromCounts(long[] matches, long[] totals, long hypothesisLength, long referenceLength) {
        int maxOrder = matches.length;
        double brevity = hypothesisLength >= referenceLength ? 1
                : hypothesisLength > 0 ? Math.exp(1 - (double) referenceLength / hypothesisLength) : 0;
        double[] precisions = new double[maxOrder];
        boolean anyMatch = false;
        for (long m : matches) {
            anyMatch |= m > 0;
        }
        if (!anyMatch) {
            return result(0, matches, totals, precisions, brevity, hypothesisLength, referenceLength);
        }
        double smoothing = 1;
        for (int n = 0; n < maxOrder; n++) {
            if (totals[n] == 0) {
                // no n-gram of this order anywhere: the geometric mean takes log 0, BLEU is 0
                return result(0, matches, totals, precisions, brevity, hypothesisLength, referenceLength);
            }
            if (matches[n] == 0) {
                smoothing *= 2;
                precisions[n] = 100.0 / (smoothing * totals[n]);
            } else {
                precisions[n] = 100.0 * matches[n] / totals[n];
            }
        }
        double logSum = 0;
        for (double p : precisions) {
            logSum += Math.log(p);
        }
        return result(brevity * Math.exp(logSum / maxOrder), matches, totals, precisions, brevity,
                hypothesisLength, referenceLength);
    }

    private static BleuScore result(double score, long[] matches, long[] totals, double[] precisions, double brevity,
            long c, long r) {
        List<Long> m = new ArrayList<>();
        List<Long> t = new ArrayList<>();
        List<Double> p = new ArrayList<>();
        for (int n = 0; n < matches.length; n++) {
            m.add(matches[n]);
            t.add(totals[n]);
            p.add(precisions[n]);
        }
        return new BleuScore(score, m, t, p, brevity, c, r);
    }

    private static List<String> words(String segment) {
        return Tokenizer13a.tokens(PythonText.rstrip(segment));
    }

    /** The reference length closest to the hypothesis length; the shorter of two equally close. */
    static int closestLength(int hypothesisLength, int[] referenceLengths) {
        int best = referenceLengths[0];
        for (int len : referenceLengths) {
            int d = Math.abs(hypothesisLength - len);
            int bestD = Math.abs(hypothesisLength - best);
            if (d < bestD || (d == bestD && len < best)) {
                best = len;
            }
        }
        return best;
    }

    /** Counts of every n-gram of orders 1..maxOrder, keyed by its tokens joined with spaces (tokens hold none). */
    private static Map<String, Integer> ngrams(List<String> tokens, int maxOrder) {
        Map<String, Integer> counts = new HashMap<>();
        for (int n = 1; n <= maxOrder; n++) {
            for (int i = 0; i + n <= tokens.size(); i++) {
                counts.merge(String.join(" ", tokens.subList(i, i + n)), 1, Integer::sum);
            }
        }
        return counts;
    }

    private static int order(String ngram) {
        int n = 1;
        for (int i = 0; i < ngram.length(); i++) {
            n += ngram.charAt(i) == ' ' ? 1 : 0;
        }
        return n;
    }
}
