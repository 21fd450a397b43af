package dev.promptlab.analysis;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The waywardness paper's prompt F1: SQuAD's word-overlap F1 between the decoded projection of a
 * continuous prompt and the target text it should read as. Both strings go through SQuAD's
 * {@code normalize_answer}, step for step: lower-case; delete every character of Python's
 * {@code string.punctuation} (deleted, not replaced by a space, so {@code "don't"} becomes
 * {@code "dont"}); replace the whole words {@code a}, {@code an}, {@code the} by a space; split on
 * whitespace. The F1 is that of the multiset overlap of the two word lists. Two texts with no
 * words score 1 (they agree), one empty text against a non-empty one scores 0 (SQuAD 2.0's rule).
 *
 * <p>The evaluation package will carry SQuAD F1 for answers too; the two are meant to become one.
 */
public final class PromptF1 {
    /** Python's {@code string.punctuation}: the 32 ASCII punctuation and symbol characters. */
    private static final String PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";
    /** Python's {@code \b} on a str pattern is Unicode-aware; Java's needs the flag to match it. */
    private static final Pattern ARTICLES = Pattern.compile("\\b(a|an|the)\\b", Pattern.UNICODE_CHARACTER_CLASS);
    /** Python's {@code str.split()}: Unicode White_Space plus the separators U+001C..U+001F. */
    private static final Pattern WHITESPACE = Pattern.compile("[\\s\\x1C-\\x1F]+", Pattern.UNICODE_CHARACTER_CLASS);

    private PromptF1() {}

    /** The words SQuAD's {@code normalize_answer} leaves of {@code text}, in order. */
    public static List<String> words(String text) {
        if (text == null) {
            throw new IllegalArgumentException("text must not be null (use \"\" for an empty text)");
        }
        String lower = text.toLowerCase(Locale.ROOT);
        StringBuilder kept = new StringBuilder(lower.length());
        lower.codePoints().filter(cp -> PUNCTUATION.indexOf(cp) < 0).forEach(kept::appendCodePoint);
        String noArticles = ARTICLES.matcher(kept).replaceAll(" ");
        String trimmed = noArticles.strip();
        return trimmed.isEmpty() ? List.of() : Arrays.asList(WHITESPACE.split(trimmed));
    }

    /** Word F1 in [0, 1] of {@code projected} against {@code target}; symmetric in its arguments. */
    public static double f1(String projected, String target) {
        List<String> predicted = words(projected);
        List<String> reference = words(target);
        if (predicted.isEmpty() || reference.isEmpty()) {
            return predicted.isEmpty() && reference.isEmpty() ? 1.0 : 0.0;
        }
        int common = overlap(predicted, reference);
        if (common == 0) {
            return 0.0;
        }
        double precision = (double) common / predicted.size();
        double recall = (double) common / reference.size();
        return 2 * precision * recall / (precision + recall);
    }

    /** Size of the multiset intersection: a word counts as often as it occurs in both lists. */
    private static int overlap(List<String> a, List<String> b) {
        Map<String, Integer> remaining = new HashMap<>();
        b.forEach(w -> remaining.merge(w, 1, Integer::sum));
        int common = 0;
        for (String w : a) {
            Integer left = remaining.get(w);
            if (left != null && left > 0) {
                remaining.put(w, left - 1);
                common++;
            }
        }
        return common;
    }
}
