package dev.promptlab.eval;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class MetricsTest {
    @Test
    void accuracyMacroF1AndExactMatch() {
        List<String> pred = List.of("a", "a", "b", "b");
        List<String> ref = List.of("a", "b", "b", "b");
        assertEquals(0.75, Metrics.accuracy(pred, ref), 1e-12);
        // F1(a) = 2*1/(2+1+0) = 2/3, F1(b) = 2*2/(4+0+1) = 4/5
        assertEquals((2.0 / 3 + 0.8) / 2, Metrics.macroF1(pred, ref, List.of("a", "b")), 1e-12);
        assertEquals(0.5, Metrics.exactMatch(List.of(" The  Cat", "dog"), List.of("the cat", "cat")), 1e-12);
        // exact match keeps punctuation (logical forms, SQL), unlike SQuAD's normalisation
        assertEquals(0.0, Metrics.exactMatch(List.of("[IN:A ]"), List.of("IN:A")), 0);
        assertThrows(IllegalArgumentException.class, () -> Metrics.accuracy(pred, ref.subList(0, 3)));
    }

    @Test
    void metricsByName() {
        assertEquals(List.of("bleu", "rouge-l", "exact-match", "f1", "accuracy"), Metric.names());
        List<String> pred = List.of("the cat sat on the mat", "A dog");
        List<String> ref = List.of("the cat is on the mat", "a dog");
        assertEquals(Bleu.corpus(pred, ref), Metric.byName("bleu").score(pred, ref), 0);
        assertEquals(RougeL.mean(pred, ref), Metric.byName("rouge-l").score(pred, ref), 0);
        assertEquals(0.5, Metric.byName("exact-match").score(pred, ref), 0);
        assertEquals((0.75 + 1) / 2, Metric.byName("f1").score(pred, ref), 1e-12);
        assertEquals(0.0, Metric.byName("accuracy").score(pred, ref), 0); // "A dog" is not the label "a dog"
        assertEquals(100, Metric.BLEU.scale());
        assertEquals(1, Metric.F1.scale());
    }

    @Test
    void multiReferenceMetricsTakeTheBestReference() {
        List<String> pred = List.of("yes", "no");
        List<List<String>> refs = List.of(List.of("no", "yes"), List.of("maybe"));
        assertEquals(0.5, Metric.ACCURACY.scoreMultiReference(pred, refs), 0);
        assertEquals(0.5, Metric.EXACT_MATCH.scoreMultiReference(List.of("YES", "no"), refs), 0);
        assertEquals(0.5, Metric.F1.scoreMultiReference(pred, refs), 0);
        assertEquals(0.5, Metric.ROUGE_L.scoreMultiReference(pred, refs), 0);
    }

    @Test
    void unknownMetricNamesTheAllowedOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Metric.byName("meteor"));
        assertEquals("unknown metric 'meteor'; allowed: bleu, rouge-l, exact-match, f1, accuracy", e.getMessage());
    }
}
