package dev.promptlab.eval;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** BLEU-4 and ROUGE-L against values computed by hand (worked in the comments). */
class BleuRougeTest {
    private static final String REF = "the cat is on the mat";
    private static final String PRED = "the cat sat on the mat";

    @Test
    void bleuOfOneSentenceByHand() {
        // p1 = 5/6 (the x2, cat, on, mat); p2 = 3 of 5 bigrams -> smoothed 4/6;
        // p3 = 1 of 4 ("on the mat") -> 2/5; p4 = 0 of 3 -> 1/4; c = r = 6 so BP = 1.
        double expected = Math.pow(5.0 / 6 * 4.0 / 6 * 2.0 / 5 * 1.0 / 4, 0.25);
        assertEquals(expected, Bleu.corpus(List.of(PRED), List.of(REF)), 1e-12);
    }

    @Test
    void bleuBrevityPenalty() {
        // every n-gram of "the cat" matches; c = 2, r = 6 -> BP = exp(1 - 3); p3, p4 are (0+1)/(0+1)
        assertEquals(Math.exp(-2), Bleu.corpus(List.of("the cat"), List.of("the cat sat on the mat")), 1e-12);
    }

    @Test
    void bleuIsCorpusLevelNotMeanOfSentences() {
        // counts pooled: p1 = (5+2)/(6+2); p2 = (3+1+1)/(5+1+1); p3 = (1+0+1)/(4+0+1); p4 = (0+1)/(3+1);
        // c = 8, r = 6 + 2 = 8 -> BP = 1
        double expected = Math.pow(7.0 / 8 * 5.0 / 7 * 2.0 / 5 * 1.0 / 4, 0.25);
        assertEquals(expected, Bleu.corpus(List.of(PRED, "a dog"), List.of(REF, "a dog")), 1e-12);
    }

    @Test
    void bleuClipsRepeatedWordsAndIsPerfectOnIdentity() {
        // "the the the" vs "the cat": p1 = 1/3 (clipped), p2 = (0+1)/(2+1), p3 = (0+1)/(1+1), p4 = 1/1; c=3 > r=2
        double expected = Math.pow(1.0 / 3 * 1.0 / 3 * 1.0 / 2 * 1.0, 0.25);
        assertEquals(expected, Bleu.corpus(List.of("the the the"), List.of("the cat")), 1e-12);
        assertEquals(1.0, Bleu.corpus(List.of(REF), List.of(REF)), 1e-12);
        assertEquals(0.0, Bleu.corpus(List.of("dog"), List.of(REF)), 0);
        assertEquals(0.0, Bleu.corpus(List.of(""), List.of(REF)), 0);
    }

    @Test
    void rougeLByHand() {
        // LCS = "the cat on the mat" = 5; P = R = 5/6
        assertEquals(5.0 / 6, RougeL.f1(PRED, REF), 1e-12);
        // LCS("a b c d", "b d e") = 2 ("b d"): P = 2/4, R = 2/3, F = 2PR/(P+R) = 4/7
        assertEquals(4.0 / 7, RougeL.f1("a b c d", "b d e"), 1e-12);
        assertEquals(0.0, RougeL.f1("x y", "a b"), 0);
        assertEquals((5.0 / 6 + 1.0) / 2, RougeL.mean(List.of(PRED, "A  Dog"), List.of(REF, "a dog")), 1e-12);
    }
}
