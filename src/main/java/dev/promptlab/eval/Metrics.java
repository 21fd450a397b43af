package dev.promptlab.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleBiFunction;

/**
 * Scalar metrics over predictions and references, each on a 0-1 scale: accuracy, macro-F1 and
 * exact match. BLEU ({@link Bleu}, 0-100), ROUGE-L ({@link RougeL}) and SQuAD's word F1
 * ({@link SquadF1}) have their own classes; {@link Metric} names them all.
 */
public final class Metrics {
    private Metrics() {}

    /** Fraction of predictions equal (as strings) to their reference; 0 for an empty corpus. */
    public static double accuracy(List<String> predictions, List<String> references) {
        requirePaired(predictions.size(), references.size());
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
        requirePaired(predictions.size(), references.size());
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

    /**
     * Lower-cased, trimmed, whitespace collapsed: the comparison form for exact match. Unlike
     * {@link SquadF1#normalize} it keeps punctuation and articles, which matter in the logical
     * forms and SQL that exact match scores (MTOP, Spider).
     */
    public static String normalize(String s) {
        return s.toLowerCase(Locale.ROOT).trim().replaceAll("\\s+", " ");
    }

    /** Fraction of predictions equal to their reference after {@link #normalize}; 0 for an empty corpus. */
    public static double exactMatch(List<String> predictions, List<String> references) {
        requirePaired(predictions.size(), references.size());
        int right = 0;
        for (int i = 0; i < predictions.size(); i++) {
            if (normalize(predictions.get(i)).equals(normalize(references.get(i)))) {
                right++;
            }
        }
        return predictions.isEmpty() ? 0 : (double) right / predictions.size();
    }

    /** Each reference as a one-element reference set. */
    static List<List<String>> oneEach(List<String> references) {
        List<List<String>> sets = new ArrayList<>(references.size());
        for (String r : references) {
            sets.add(List.of(r));
        }
        return sets;
    }

    /** Mean over examples of {@code score(prediction, its references)}; 0 for an empty corpus. */
    static double meanPerExample(List<String> predictions, List<? extends List<String>> references,
            ToDoubleBiFunction<String, List<String>> score) {
        requirePaired(predictions.size(), references.size());
        double sum = 0;
        for (int i = 0; i < predictions.size(); i++) {
            sum += score.applyAsDouble(predictions.get(i), references.get(i));
        }
        return predictions.isEmpty() ? 0 : sum / predictions.size();
    }

    /** Fails unless there is one reference (or one set of references) per prediction. */
    static void requirePaired(int predictions, int references) {
        if (predictions != references) {
            throw new IllegalArgumentException(predictions + " predictions but " + references + " references");
        }
    }
}
