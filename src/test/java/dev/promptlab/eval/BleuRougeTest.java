package dev.promptlab.eval;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * BLEU against sacreBLEU's own published test cases and hand-worked ones; ROUGE-L against
 * rouge-score's published cases and hand-worked ones.
 */
class BleuRougeTest {
    private static final String REF = "the cat is on the mat";
    private static final String PRED = "the cat sat on the mat";

    // sacreBLEU test/test_bleu.py (github.com/mjpost/sacrebleu, commit f615c72): _hyps and _refs,
    // its two reference streams regrouped here per hypothesis
    private static final List<String> HYPS = List.of("The dog bit the man.", "It wasn't surprising.",
            "The man had just bitten him.");
    private static final List<List<String>> REFS = List.of(
            List.of("The dog bit the man.", "The dog had bit the man."),
            List.of("It was not unexpected.", "No one was surprised."),
            List.of("The man bit him first.", "The man had bitten the dog."));

    @Test
    void sacreBleuPublishedCorpusCases() {
        // test_corpus_bleu_cases: default settings (13a, exp) -> 48.530827, epsilon 1e-8
        assertEquals(48.530827, Bleu.corpusMultiReference(HYPS, REFS), 1e-8);
        // ... and empty hypotheses are scored, not removed -> 0.0
        assertEquals(0.0, Bleu.corpusMultiReference(List.of("", "", ""), REFS), 0);
        // test_bleu_max_order: BLEU(max_ngram_order=n), compared as "%.2f"
        String[] expected = {"77.65", "60.50", "53.93", "48.53", "46.14", "43.28"};
        for (int n = 1; n <= 6; n++) {
            assertEquals(expected[n - 1], String.format(java.util.Locale.ROOT, "%.2f", Bleu.score(HYPS, REFS, n).score()), "order " + n);
        }
    }

    @Test
    void sacreBleuPublishedStatisticsAndScoring() {
        // test_case_statistics: matches [4, 2, 1, 0] of totals [6, 5, 4, 3] (13a leaves these words alone)
        BleuScore s = Bleu.score(List.of("am I am a character sequence"),
                List.of(List.of("I am a symbol string sequence a a")), 4);
        assertEquals(List.of(4L, 2L, 1L, 0L), s.matches());
        assertEquals(List.of(6L, 5L, 4L, 3L), s.totals());
        // by hand with the default smoothing: p = 400/6, 200/5, 100/4 and, no 4-gram matching,
        // 100 / (2 * 3); c = 6 < r = 8 so BP = exp(1 - 8/6)
        double bp = Math.exp(1 - 8.0 / 6);
        assertEquals(bp, s.brevityPenalty(), 1e-15);
        assertEquals(bp * Math.exp((Math.log(400.0 / 6) + Math.log(40) + Math.log(25) + Math.log(100.0 / 6)) / 4),
                s.score(), 1e-12);
        // test_case_scoring: compute_bleu([9, 7, 5, 3], [10, 8, 6, 4], 11, 11) / 100 = 0.8375922397
        BleuScore scored = Bleu.fromCounts(new long[] {9, 7, 5, 3}, new long[] {10, 8, 6, 4}, 11, 11);
        assertEquals(0.8375922397, scored.score() / 100, 1e-8);
        // test_case_degenerate_stats: no match at all scores 0 whatever the totals and lengths
        assertEquals(0.0, Bleu.fromCounts(new long[4], new long[] {4, 4, 2, 1}, 0, 1).score(), 0);
        assertEquals(0.0, Bleu.fromCounts(new long[4], new long[] {10, 11, 12, 0}, 14, 10).score(), 0);
        assertEquals(0.0, Bleu.fromCounts(new long[4], new long[4], 0, 0).score(), 0);
        // test_raw_bleu_cases: nothing shared -> 0; identical -> 100 (1.0 on their 0-1 check)
        assertEquals(0.0, Bleu.corpus(List.of("this is a test", "another test"), List.of("ref1", "ref2")), 0);
        assertEquals(100.0, Bleu.corpus(List.of("this is a test"), List.of("this is a test")), 1e-9);
    }

    @Test
    void sacreBleuPublishedSentenceWithExpSmoothing() {
        // test/test_sentence_bleu.py (issue #98): 'exp', 13a -> 8.493 (epsilon 1e-3); 'none' gives 0.0
        // there, so a precision is 0 and the exp smoothing is what this case checks. The sentence has
        // 4-grams, so sacreBLEU's effective order (on in that test) changes nothing.
        String ref = "producţia de zahăr brut se exprimă în zahăr alb;";
        String sys = "Producția de zahăr primă va fi exprimată în ceea ce privește zahărul alb;";
        assertEquals(8.493, Bleu.corpus(List.of(sys), List.of(ref)), 1e-3);
        // issue #141: no overlap -> 0
        assertEquals(0.0, Bleu.corpus(List.of("this is a cat"), List.of("okay thanks")), 0);
    }

    @Test
    void bleuOfOneSentenceByHand() {
        // 13a leaves the words alone. p1 = 5/6 (the x2, cat, on, mat); p2 = 3/5; p3 = 1/4 ("on the mat");
        // no 4-gram matches, so exp smoothing gives p4 = 100 / (2 * 3); c = r = 6 so BP = 1.
        double expected = Math.exp((Math.log(500.0 / 6) + Math.log(60) + Math.log(25) + Math.log(100.0 / 6)) / 4);
        assertEquals(expected, Bleu.corpus(List.of(PRED), List.of(REF)), 1e-12);
        // a second order with no match halves the smoothed precision again: 100 / (2 * 1), then 100 / (4 * 1)...
        // "a b c x y" vs "a b c d e": p = 300/5, 200/4, 100/3, p4 = 100 / (2 * 2)
        assertEquals(Math.exp((Math.log(60) + Math.log(50) + Math.log(100.0 / 3) + Math.log(25)) / 4),
                Bleu.corpus(List.of("a b c x y"), List.of("a b c d e")), 1e-12);
        // "a x b y c z" vs "a b c": only unigrams match; p = 300/6, 100/(2*5), 100/(4*4), 100/(8*3)
        assertEquals(Math.exp((Math.log(50) + Math.log(10) + Math.log(6.25) + Math.log(100.0 / 24)) / 4),
                Bleu.corpus(List.of("a x b y c z"), List.of("a b c")), 1e-12);
    }

    @Test
    void bleuTokenisesCaseSensitivelyAndPoolsTheCorpus() {
        // "hello , world ." vs "Hello , world .": p = 3/4, 2/3, 1/2, 4-gram 0 -> 100/(2*1); BP = 1
        double lower = Math.exp((Math.log(75) + Math.log(200.0 / 3) + Math.log(50) + Math.log(50)) / 4);
        assertEquals(lower, Bleu.corpus(List.of("hello, world."), List.of("Hello, world.")), 1e-12);
        // pooled, not averaged: PRED + "a dog" -> p = 7/8, 4/6, 1/4, 0/3 -> 100/(2*3); c = r = 8
        double pooled = Math.exp((Math.log(700.0 / 8) + Math.log(400.0 / 6) + Math.log(25) + Math.log(100.0 / 6)) / 4);
        assertEquals(pooled, Bleu.corpus(List.of(PRED, "a dog"), List.of(REF, "a dog")), 1e-12);
    }

    @Test
    void bleuBrevityPenaltyAndClosestReference() {
        // c = 4 of r = 6: "the cat is on" has every n-gram in REF -> BP = exp(1 - 6/4)
        assertEquals(100 * Math.exp(1 - 6.0 / 4), Bleu.corpus(List.of("the cat is on"), List.of(REF)), 1e-9);
        // 7 tokens between references of 10 and 4 tokens: equally close, the shorter counts -> BP = 1
        List<String> ten = List.of("one two three four five six seven eight nine ten", "one two three four");
        assertEquals(100.0, Bleu.corpusMultiReference(List.of("one two three four five six seven"), List.of(ten)), 1e-9);
        // n-gram counts are clipped by the most any one reference has: "a a a a" vs {"a a b c", "a b a a"}
        // unigram: 'a' at most 3 (second ref); bigram "a a" at most 1 each; "a a a" none
        BleuScore s = Bleu.score(List.of("a a a a"), List.of(List.of("a a b c", "a b a a")), 4);
        assertEquals(List.of(3L, 1L, 0L, 0L), s.matches());
    }

    @Test
    void bleuIsZeroWithoutAnyFourGramAndOnEmptyOutput() {
        // sacreBLEU's default has no effective order: a corpus of 2-token outputs has no 4-gram, so BLEU-4 is 0
        assertEquals(0.0, Bleu.corpus(List.of("a test"), List.of("a test")), 0);
        assertEquals(0.0, Bleu.corpus(List.of(""), List.of(REF)), 0);
        assertEquals(0.0, Bleu.corpus(List.of("dog"), List.of(REF)), 0);
        assertEquals(100.0, Bleu.corpus(List.of(REF), List.of(REF)), 1e-9);
    }

    @Test
    void bleuStripsTrailingWhitespaceBeforeJoiningHyphenatedLines() {
        // sacreBLEU right-strips a segment before 13a, so a final "-\n" keeps its hyphen ...
        assertEquals(100.0, Bleu.corpus(List.of("ab cd ef gh-\n"), List.of("ab cd ef gh-")), 1e-9);
        // ... while an inner one joins the words
        assertEquals(100.0, Bleu.corpus(List.of("ab cd ef gh-\nij"), List.of("ab cd ef ghij")), 1e-9);
    }

    @Test
    void bleuRejectsMismatchedOrEmptyReferences() {
        assertThrows(IllegalArgumentException.class, () -> Bleu.corpus(List.of("a"), List.of()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Bleu.corpusMultiReference(List.of("a"), List.of(List.of())));
        assertEquals(true, e.getMessage().contains("hypothesis 0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Bleu.score(List.of("a"), List.of(List.of("a")), 0));
    }

    @Test
    void rougeScorePublishedCases() {
        // google-research/google-research rouge/rouge_scorer_test.py (score(target, prediction))
        assertEquals(4.0 / 5, RougeL.f1("testing one", "testing one two"), 1e-12); // testRougeLConsecutive
        assertEquals(4.0 / 5, RougeL.f1("testing two", "testing one two"), 1e-12); // testRougeLNonConsecutive
        assertEquals(0.0, RougeL.f1("", "testing one two"), 0); // testRougeEmpty
        // testRougeLAgainstRouge155: first two lines of rouge/testdata/{target,prediction}.txt,
        // F = 0.51163 and 0.50000 to 5 places as ROUGE-1.5.5 computes them
        String target0 = "ZfbCUIUuePaiLVUlCaUXxkpu XPeWing tUHfPMuZ',-Xd Y BrUgVJing M-HV.-DgdDaY.rFDJCRing Ht-LM "
                + "EKBDXkME,yz'RBr q'wtion wIojNbN wL,b .a-'XdQggyFl jB-RPP'iyOIcUxer tKM L\n";
        String prediction0 = "rFDJCRtion Ht-LM EKtDXkME,yz'RBr q'wer wrojNbN wL,b .a-'XdQggyFl jB-RPP'iyOIcUxi\n";
        String target1 = "KsJdPByEtAor fE-Qg Dpdbring cw-WeFyu vC MoBL Xdn g wkvcEiGvKtion BDFhrpMtion psing sbKao Q m "
                + "qiing LMmer HqqLFXe,XPY,J XsurkMer ,ed nB'wH'bWVHjWFEing tQ.saefZwJtKrTlixYpMMsJing "
                + "UCAPwNHeYVjDing c T BUySKtion gMPfJpwGw p'NvxAoping eu pBwMBKV'I DNxqelhu,PHPxDEq,mtion SN\n";
        String prediction1 = "n cw-WeFyu vC MoBL Xdn g wkvcEiGvKtion BDFhrpMer pstion sbKao Q m qier LMmed "
                + "HqqLFXe,XPY,J XsurkMeo ,ed nB'wH'bWVHjWFEer tQ.saefZwJtKrTlixYpMMNJtion UCAPwNHeYVjD\n";
        assertEquals(0.51163, RougeL.f1(prediction0, target0), 5e-6);
        assertEquals(0.50000, RougeL.f1(prediction1, target1), 5e-6);
        // the same pair's precision and recall (0.68750, 0.40741) fix the token counts: 11 of 16 and 11 of 27
        assertEquals(16, RougeL.tokens(prediction0).size());
        assertEquals(27, RougeL.tokens(target0).size());
    }

    @Test
    void rougeLByHand() {
        // LCS = "the cat on the mat" = 5; P = R = 5/6
        assertEquals(5.0 / 6, RougeL.f1(PRED, REF), 1e-12);
        // LCS("a b c d", "b d e") = 2 ("b d"): P = 2/4, R = 2/3, F = 2PR/(P+R) = 4/7
        assertEquals(4.0 / 7, RougeL.f1("a b c d", "b d e"), 1e-12);
        assertEquals(0.0, RougeL.f1("x y", "a b"), 0);
        assertEquals((5.0 / 6 + 1.0) / 2, RougeL.mean(List.of(PRED, "A  Dog"), List.of(REF, "a dog")), 1e-12);
        // tokens: lower-case, split on anything but ASCII letters and digits; non-ASCII letters vanish
        assertEquals(List.of("don", "t", "stop", "3", "14", "caf"), RougeL.tokens("Don't STOP: 3.14 café!"));
        // punctuation-only text has no tokens and scores 0 (not 1) even against itself
        assertEquals(0.0, RougeL.f1("?!", "?!"), 0);
        // several references: the best one counts
        assertEquals(1.0, RougeL.bestF1("a dog", List.of("a cat", "A dog.")), 0);
        assertEquals((1.0 + 4.0 / 7) / 2, RougeL.meanMultiReference(List.of("a dog", "a b c d"),
                List.of(List.of("a cat", "a dog"), List.of("b d e"))), 1e-12);
    }
}
