package dev.promptlab.eval;

import java.util.List;
import java.util.Locale;

/** Scalar metrics over predictions and references. */
public final class Metrics {
    private Metrics() {}

    public static double accuracy(List<String> predictions, List<String> references) {
        int right = 0;
        for (int i = 0; i < predictions.size(); i++) {
            if (predictions.get(i).equals(references.get(i))) {
                right++;
            }
        }
        return predictions.isEmpty() ? 0 : (double) right / predictions.size();
    }

    /** Unweighted mean over {@code labels} of each label's F1 (a label never predicted nor present counts 0). */
    public static double macroF1(List<String> predictions, List<String> references, List<String> labels) {
        double sum = 0;
        for (String label : labels) {
            int tp = 0;
            int fp = 0;
            int fn = 0;
            for (int i = 0; i < predictions.size(); i++) {
                boolean p = predictions.get(i).equals(label);
                boolean r = references.get(i).equals(label);
                if (p && r) {
                    tp++;
                } else if (p) {
                    fp++;
                } else if (r) {
                    fn++;
                }
            }
            sum += tp == 0 ? 0 : 2.0 * tp / (2.0 * tp + fp + fn);
        }
        return labels.isEmpty() ? 0 : sum / labels.size();
    }

    /** Lower-cased, trimmed, whitespace collapsed: the comparison form for exact match. */
    public static String normalize(String s) {
        return s.toLowerCase(Locale.ROOT).trim().replaceAll("\\s+", " ");
    }

    public static double exactMatch(List<String> predictions, List<String> references) {
        int right = 0;
        for (int i = 0; i < predictions.size(); i++) {
            if (normalize(predictions.get(i)).equals(normalize(references.get(i)))) {
                right++;
            }
        }
        return predictions.isEmpty() ? 0 : (double) right / predictions.size();
    }
}
