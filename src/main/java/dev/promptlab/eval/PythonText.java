package dev.promptlab.eval;

import java.util.ArrayList;
import java.util.List;

/**
 * Python's {@code str.split()} and {@code str.rstrip()} (no arguments), which the reference
 * implementations of our metrics (sacreBLEU, SQuAD's evaluation script) use to split words.
 *
 * <p>Why not Java's {@code \s} or {@link Character#isWhitespace}: Python's whitespace is a
 * different set. It counts the no-break spaces U+00A0, U+2007 and U+202F and NEL U+0085, which
 * {@code isWhitespace} leaves out; and plain {@code \s} is ASCII only. Python's set is exactly
 * {@code isWhitespace} plus those four (every other Unicode space separator, the ASCII controls
 * 0x09-0x0D and 0x1C-0x1F, and U+2028/U+2029 are in both).
 */
final class PythonText {
    private PythonText() {}

    /** Whether Python's {@code str.isspace()} holds for this character. */
    static boolean isSpace(char c) {
        return Character.isWhitespace(c) || c == '\u00a0' || c == '\u2007' || c == '\u202f' || c == '\u0085';
    }

    /** {@code text.split()}: the maximal runs of non-space characters, in order. */
    static List<String> split(String text) {
        List<String> words = new ArrayList<>();
        int start = -1;
        for (int i = 0; i < text.length(); i++) {
            boolean space = isSpace(text.charAt(i));
            if (space && start >= 0) {
                words.add(text.substring(start, i));
                start = -1;
            } else if (!space && start < 0) {
                start = i;
            }
        }
        if (start >= 0) {
            words.add(text.substring(start));
        }
        return words;
    }

    /** {@code text.rstrip()}: without its trailing whitespace. */
    static String rstrip(String text) {
        int end = text.length();
        while (end > 0 && isSpace(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(0, end);
    }
}
