package dev.promptlab.study;

import dev.promptlab.eval.Metrics;
import dev.promptlab.tokenize.WordTokenizer;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Exact match compares what the model could write; unknown words never match an empty answer. */
class ExactMatchReferenceTest {
    @Test
    void referencesWithUnknownWordsNeverMatchAnEmptyOrPartialPrediction() {
        WordTokenizer tok = WordTokenizer.ofWords(List.of("the", "cat", "sat"));
        String known = Evaluation.comparableReference("The Cat", tok.encode(" The Cat"), tok);
        assertEquals("the cat", known);
        assertEquals(1.0, Metrics.exactMatch(List.of("the cat"), List.of(known)));
        String unknown = Evaluation.comparableReference("zebra", tok.encode(" zebra"), tok);
        assertEquals(0.0, Metrics.exactMatch(List.of(""), List.of(unknown)));
        String partial = Evaluation.comparableReference("the zebra", tok.encode(" the zebra"), tok);
        assertEquals(0.0, Metrics.exactMatch(List.of("the"), List.of(partial)));
    }
}
