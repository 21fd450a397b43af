package dev.promptlab.eval;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SQuAD's normalize_answer, word F1 and exact match, worked by hand from the official v2.0 script. */
class SquadF1Test {
    @Test
    void normalizeLowersDropsPunctuationAndArticles() {
        assertEquals("cat sat on mat", SquadF1.normalize("The cat sat on  the mat."));
        // articles only as whole words: "another", "theory", "banana" keep theirs
        assertEquals("another theory banana", SquadF1.normalize("An another, the theory; a banana"));
        // punctuation is deleted before articles are found, so "the-end" becomes "theend", no article
        assertEquals("theend", SquadF1.normalize("the-end"));
        // only ASCII punctuation is deleted: the en dash stays, and it bounds the article before it
        assertEquals("–end", SquadF1.normalize("the–end"));
        // a letter outside ASCII is a word character ("theé" has no article); a combining accent is
        // not one (Python's \w), so it ends the word "the" and the article goes
        assertEquals("theé", SquadF1.normalize("theé"));
        assertEquals("\u0301", SquadF1.normalize("the\u0301"));
        assertEquals("", SquadF1.normalize(" A. The! an? "));
    }

    @Test
    void f1OnTheMultisetOfWords() {
        // pred [cat, sat, on, mat], gold [cat, is, on, mat]: 3 shared, P = R = 3/4
        assertEquals(0.75, SquadF1.f1("The cat sat on the mat", "a cat is on the mat"), 1e-12);
        // repeated words count at most as often as in the gold: pred [red, red, red], gold [red, car]
        // shared 1, P = 1/3, R = 1/2, F1 = 2 * 1/6 / (5/6) = 2/5
        assertEquals(0.4, SquadF1.f1("red red red", "red car"), 1e-12);
        assertEquals(0.0, SquadF1.f1("dog", "cat"), 0);
        // both empty after normalising -> 1; one empty -> 0
        assertEquals(1.0, SquadF1.f1("the", "a."), 0);
        assertEquals(0.0, SquadF1.f1("", "cat"), 0);
        assertEquals(0.0, SquadF1.f1("cat", "an"), 0);
        // several gold answers: the best
        assertEquals(1.0, SquadF1.f1("Paris", List.of("France", "paris.")), 0);
    }

    @Test
    void exactMatchAndCorpusMeans() {
        assertTrue(SquadF1.exactMatch("The Eiffel Tower!", "eiffel tower"));
        assertFalse(SquadF1.exactMatch("Eiffel", "eiffel tower"));
        assertTrue(SquadF1.exactMatch("tower", List.of("a tower", "spire")));
        List<String> predictions = List.of("the cat", "red red red", "x");
        List<List<String>> golds = List.of(List.of("cat"), List.of("red car"), List.of("y", "z"));
        assertEquals((1 + 0.4 + 0) / 3, SquadF1.meanF1(predictions, golds), 1e-12);
        assertEquals(1.0 / 3, SquadF1.meanExactMatch(predictions, golds), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> SquadF1.f1("x", List.of()));
        assertThrows(IllegalArgumentException.class, () -> SquadF1.meanF1(predictions, golds.subList(0, 2)));
    }
}
