package dev.promptlab.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * ROUGE-L (Lin, 2004) F-measure as Google's {@code rouge-score} package computes it by default
 * ({@code RougeScorer(["rougeL"])}, no stemmer), on a 0-1 scale.
 *
 * <p>Tokens: the text lower-cased, every run of characters other than ASCII letters and digits
 * turned into a space, split on whitespace, empty pieces dropped (so "Hello, World!" is
 * {@code [hello, world]}, "don't" is {@code [don, t]}, and non-ASCII letters vanish). With L the
 * length of the longest common subsequence of prediction and reference tokens,
 * P = L / |prediction|, R = L / |reference| and F = 2PR / (P + R) (β = 1); F is 0 when either
 * side has no tokens or nothing is shared. The corpus figure is the mean of per-example F.
 * With several references, an example scores its best reference (rouge-score's
 * {@code score_multi}).
 */
public final class RougeL {
    private RougeL() {}

    /** Mean ROUGE-L F over pairs (one reference each); 0 for an empty corpus. */
    public static double mean(List<String> predictions, List<String> references) {
        return meanMultiReference(predictions, Metrics.oneEach(references));
    }

    /** Mean over examples of the best ROUGE-L F against any of the example's references; 0 for an empty corpus. */
    public static double meanMultiReference(List<String> predictions, List<? extends List<String>> references) {
        return Metrics.meanPerExample(predictions, references, RougeL::bestF1);
    }

    /** ROUGE-L F of one prediction against one reference. */
    public static double f1(String prediction, String reference) {
        List<String> p = tokens(prediction);
        List<String> r = tokens(reference);
        if (p.isEmpty() || r.isEmpty()) {
            return 0;
        }
        int lcs = lcs(r, p);
        double precision = (double) lcs / p.size();
        double recall = (double) lcs / r.size();
        return precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0;
    }

    /** The best ROUGE-L F of a prediction over its references (at least one). */
    public static double bestF1(String prediction, List<String> references) {
        if (references.isEmpty()) {
            throw new IllegalArgumentException("a prediction needs at least one reference");
        }
        double best = 0;
        for (String r : references) {
            best = Math.max(best, f1(prediction, r));
        }
        return best;
    }

    /** rouge-score's default tokens (see the class comment). */
    public static List<String> tokens(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        List<String> out = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        for (int i = 0; i < lower.length(); i++) {
            char c = lower.charAt(i);
            if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
                word.append(c);
            } else if (word.length() > 0) {
                out.add(word.toString());
                word.setLength(0);
            }
        }
        if (word.length() > 0) {
            out.add(word.toString());
        }
        return out;
    }

    /** Length of the longest common subsequence, by dynamic programming over one row. */
    static int lcs(List<String> a, List<String> b) {
        int[] row = new int[b.size() + 1];
        for (String x : a) {
            int diagonal = 0;
            for (int j = 1; j <= b.size(); j++) {
                int above = row[j];
                row[j] = x.equals(b.get(j - 1)) ? diagonal + 1 : Math.max(row[j], row[j - 1]);
                diagonal = above;
            }
        }
        return row[b.size()];
    }
}
