package dev.promptlab.eval;

import java.util.List;

/**
 * ROUGE-L (Lin, 2004): per prediction, the longest common subsequence of prediction and
 * reference tokens gives precision LCS/|prediction| and recall LCS/|reference|; the score is
 * their harmonic mean F1 (β = 1), 0 when the LCS is empty, averaged over the corpus. Tokens are
 * those of {@link Metrics#normalize}.
 */
public final class RougeL {
    private RougeL() {}

    /** Mean ROUGE-L F1 over pairs; 0 for an empty corpus. */
    public static double mean(List<String> predictions, List<String> references) {
        if (predictions.size() != references.size()) {
            throw new IllegalArgumentException(predictions.size() + " predictions but " + references.size() + " references");
        }
        double sum = 0;
        for (int i = 0; i < predictions.size(); i++) {
            sum += f1(predictions.get(i), references.get(i));
        }
        return predictions.isEmpty() ? 0 : sum / predictions.size();
    }

    public static double f1(String prediction, String reference) {
        List<String> p = TextTokens.of(prediction);
        List<String> r = TextTokens.of(reference);
        int lcs = lcs(p, r);
        if (lcs == 0) {
            return 0;
        }
        double precision = (double) lcs / p.size();
        double recall = (double) lcs / r.size();
        return 2 * precision * recall / (precision + recall);
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
