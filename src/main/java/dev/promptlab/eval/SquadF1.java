package dev.promptlab.eval;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * SQuAD's answer comparison (the official evaluation script, v2.0): word-overlap F1 and exact
 * match after {@link #normalize}, on a 0-1 scale. The one implementation in promptlab: the
 * waywardness study (prompt-to-text F1) and the {@code f1} metric both use it.
 *
 * <p>F1 treats the two normalised texts as multisets of words: with s the size of their
 * intersection, P = s / |prediction|, R = s / |gold| and F1 = 2PR / (P + R). When either side
 * normalises to no words, F1 is 1 if both do and 0 otherwise (v2.0's rule; v1.1 scored two empty
 * answers 0). With several gold answers an example takes its best one, as the script does.
 */
public final class SquadF1 {
    /**
     * An article as a whole word. Python's {@code \b} (the script's regex) separates a word
     * character, i.e. a Unicode letter, number or underscore, from anything else; Java's
     * {@code \b} uses another notion of word character, so the boundaries are spelled out.
     */
    private static final Pattern ARTICLE = Pattern.compile("(?<![\\p{L}\\p{N}_])(a|an|the)(?![\\p{L}\\p{N}_])");
    /** Python's {@code string.punctuation}: the ASCII punctuation and symbols only. */
    private static final String PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

    private SquadF1() {}

    /**
     * SQuAD's {@code normalize_answer}: lower-case, delete ASCII punctuation, replace the
     * articles a / an / the by a space, collapse whitespace (Python's) to single spaces.
     */
    public static String normalize(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        StringBuilder kept = new StringBuilder(lower.length());
        for (int i = 0; i < lower.length(); i++) {
            char c = lower.charAt(i);
            if (PUNCTUATION.indexOf(c) < 0) {
                kept.append(c);
            }
        }
        String noArticles = ARTICLE.matcher(kept).replaceAll(" ");
        return String.join(" ", PythonText.split(noArticles));
    }

    /** The words {@link #normalize} leaves of {@code text}, in order (what F1 compares). */
    public static List<String> words(String text) {
        if (text == null) {
            throw new IllegalArgumentException("text must not be null (use \"\" for an empty text)");
        }
        return PythonText.split(normalize(text));
    }

    /** Word-overlap F1 of a prediction against one gold answer. */
    public static double f1(String prediction, String gold) {
        List<String> p = words(prediction);
        List<String> g = words(gold);
        if (p.isEmpty() || g.isEmpty()) {
            return p.isEmpty() && g.isEmpty() ? 1 : 0;
        }
        Map<String, Integer> goldCounts = new HashMap<>();
        for (String w : g) {
            goldCounts.merge(w, 1, Integer::sum);
        }
        int shared = 0;
        for (String w : p) {
            Integer left = goldCounts.get(w);
            if (left != null && left > 0) {
                shared++;
                goldCounts.put(w, left - 1);
            }
        }
        if (shared == 0) {
            return 0;
        }
        double precision = (double) shared / p.size();
        double recall = (double) shared / g.size();
        return 2 * precision * recall / (precision + recall);
    }

    /** The best F1 over several gold answers (at least one). */
    public static double f1(String prediction, List<String> golds) {
        requireGold(golds);
        double best = 0;
        for (String g : golds) {
            best = Math.max(best, f1(prediction, g));
        }
        return best;
    }

    /** Whether prediction and gold answer are equal after {@link #normalize}. */
    public static boolean exactMatch(String prediction, String gold) {
        return normalize(prediction).equals(normalize(gold));
    }

    /** Whether the prediction equals any of the gold answers (at least one) after {@link #normalize}. */
    public static boolean exactMatch(String prediction, List<String> golds) {
        requireGold(golds);
        return golds.stream().anyMatch(g -> exactMatch(prediction, g));
    }

    /** Mean F1 over examples, each against its gold answers; 0 for an empty corpus. */
    public static double meanF1(List<String> predictions, List<? extends List<String>> golds) {
        return Metrics.meanPerExample(predictions, golds, SquadF1::f1);
    }

    /** Fraction of examples whose prediction exactly matches one of its gold answers; 0 for an empty corpus. */
    public static double meanExactMatch(List<String> predictions, List<? extends List<String>> golds) {
        return Metrics.meanPerExample(predictions, golds, (p, g) -> exactMatch(p, g) ? 1 : 0);
    }

    private static void requireGold(List<String> golds) {
        if (golds.isEmpty()) {
            throw new IllegalArgumentException("a prediction needs at least one gold answer");
        }
    }
}
