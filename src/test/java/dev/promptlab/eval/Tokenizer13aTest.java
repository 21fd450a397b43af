package dev.promptlab.eval;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The 13a rules worked by hand from sacreBLEU's tokenizer_13a.py and tokenizer_re.py (each case
 * also agrees with sacreBLEU's Tokenizer13a, run from its source at commit f615c72).
 */
class Tokenizer13aTest {
    @Test
    void periodsAndCommasSplitUnlessBetweenDigits() {
        assertEquals("Hello , world .", Tokenizer13a.tokenize("Hello, world."));
        assertEquals("3.14 and 1,000", Tokenizer13a.tokenize("3.14 and 1,000"));
        assertEquals("end . 3", Tokenizer13a.tokenize("end.3"));
        assertEquals("3 . x", Tokenizer13a.tokenize("3.x"));
        // left-to-right, non-overlapping: the first period is split off the space before it, the
        // second is then preceded by that (consumed) period and stays on the digit
        assertEquals(". .5", Tokenizer13a.tokenize("..5"));
    }

    @Test
    void hyphensSplitOnlyAfterDigitsAndApostrophesStay() {
        assertEquals("pre-war 1990 - 1995", Tokenizer13a.tokenize("pre-war 1990-1995"));
        assertEquals("don't", Tokenizer13a.tokenize("don't"));
    }

    @Test
    void symbolsAreSeparated() {
        assertEquals("$ 5 , 50 % ( a / b ) a _ b ~ x", Tokenizer13a.tokenize("$5, 50% (a/b) a_b ~x"));
        assertEquals("{ x } | y \\ z ^ ` @ # = ? ; : ! * +", Tokenizer13a.tokenize("{x}|y\\z^`@#=?;:!*+"));
        for (char c = 0x20; c < 0x7f; c++) {
            boolean kept = Character.isLetterOrDigit(c) || c == '\'' || c == ',' || c == '-' || c == '.';
            assertEquals(!kept, Tokenizer13a.isSeparatedSymbol(c), "char " + c);
        }
        assertFalse(Tokenizer13a.isSeparatedSymbol('é'));
    }

    @Test
    void entitiesSkippedMarkersAndLineBreaks() {
        assertEquals("\" Hi \" & < b >", Tokenizer13a.tokenize("&quot;Hi&quot; &amp; &lt;b&gt;"));
        assertEquals("<", Tokenizer13a.tokenize("&amp;lt;")); // unescaped in sequence: &amp; first, then &lt;
        assertEquals("text", Tokenizer13a.tokenize("<skipped>text"));
        assertEquals("linebreak", Tokenizer13a.tokenize("line-\nbreak"));
        assertEquals("a b", Tokenizer13a.tokenize("a\nb"));
    }

    @Test
    void whitespaceIsPythons() {
        // a no-break space separates words in Python (str.split), a zero-width space does not
        assertEquals(List.of("a", "b", "a\u200bc"), Tokenizer13a.tokens("a\u00a0b a\u200bc"));
        assertTrue(PythonText.isSpace('\u0085') && PythonText.isSpace('\u2007') && PythonText.isSpace('\u001f'));
        assertFalse(PythonText.isSpace('\u200b'));
        assertEquals("  x", PythonText.rstrip("  x \u00a0\n"));
        assertEquals(List.of(), PythonText.split(" \t "));
    }
}
