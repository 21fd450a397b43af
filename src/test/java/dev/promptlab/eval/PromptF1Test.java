package dev.promptlab.eval;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The waywardness paper's prompt F1 (SquadF1) against hand-computed values, one normalisation step per case. */
class PromptF1Test {

    @Test
    void normalisationLowerCasesDeletesPunctuationAndDropsArticles() {
        assertEquals(List.of("cats", "hat"), SquadF1.words("The Cat's  hat!"));
        // punctuation is deleted, not turned into a space (SQuAD): "well-known" is one word
        assertEquals(List.of("wellknown", "dont"), SquadF1.words("well-known, don't"));
        // articles go only as whole words
        assertEquals(List.of("theater", "anne", "apple"), SquadF1.words("the theater, Anne an apple a"));
        assertEquals(List.of("über", "café"), SquadF1.words("Über the CAFÉ"));
        assertEquals(List.of(), SquadF1.words(" A an THE ... "));
    }

    @Test
    void identicalAfterNormalisationScoresOne() {
        assertEquals(1.0, SquadF1.f1("The cat sat on the mat.", "cat sat on  mat"), 1e-12);
        assertEquals(1.0, SquadF1.f1("don't", "DONT"), 1e-12);
    }

    @Test
    void partialOverlap() {
        // pred [dog], ref [dog, barks]: P = 1, R = 1/2, F1 = 2/3
        assertEquals(2.0 / 3, SquadF1.f1("A dog", "the dog barks"), 1e-12);
        // "well-known" is [wellknown], "well known" is [well, known]: nothing in common
        assertEquals(0.0, SquadF1.f1("well-known", "well known"), 1e-12);
        assertEquals(0.0, SquadF1.f1("red ball", "blue box"), 1e-12);
    }

    @Test
    void repeatedWordsCountAsAMultiset() {
        // pred [cat, cat, cat], ref [cat, dog]: one common; P = 1/3, R = 1/2, F1 = 2/5
        assertEquals(0.4, SquadF1.f1("cat cat cat", "cat dog"), 1e-12);
        // pred [cat, cat], ref [cat, cat, dog]: two common; P = 1, R = 2/3, F1 = 4/5
        assertEquals(0.8, SquadF1.f1("cat cat", "cat cat dog"), 1e-12);
        assertEquals(SquadF1.f1("cat cat dog", "cat cat"), SquadF1.f1("cat cat", "cat cat dog"), 1e-12);
    }

    @Test
    void emptyTexts() {
        assertEquals(1.0, SquadF1.f1("", ""), 1e-12);
        assertEquals(1.0, SquadF1.f1("the, a!", ""), 1e-12); // both normalise to nothing
        assertEquals(0.0, SquadF1.f1("", "cat"), 1e-12);
        assertEquals(0.0, SquadF1.f1("cat", "?!"), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> SquadF1.f1(null, "cat"));
    }
}
