package dev.promptlab.icl;

import dev.promptlab.task.Example;
import dev.promptlab.task.Template;
import dev.promptlab.tokenize.WordTokenizer;
import dev.promptlab.train.Batch;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Layouts fitted to the context: the most similar demonstration stands next to the query, an
 * overflow drops demonstrations from the least similar and counts them, the prompt and the query
 * are never cut, and the target (the only counted tokens) is the query's answer.
 */
class EpisodeEncoderTest {
    private static final WordTokenizer TOKENIZER = WordTokenizer.ofWords(List.of("a", "b", "c", "d", "e", "x", "y", "=",
            "say"));
    private static final PromptLayout LAYOUT = new PromptLayout(new Template("{input} = {output}"), "say",
            WordTokenizer.EOS);

    private static Demonstration demo(String input, String output, double score) {
        return new Demonstration(new Example(input, output), 0, score);
    }

    private static final List<Demonstration> DEMOS = List.of(demo("a a", "b", 0.9), demo("c c", "d", 0.5),
            demo("e e", "e", 0.1));
    private static final Example QUERY = new Example("x", "y y");

    @Test
    void theMostSimilarStandsNextToTheQueryAndTheTargetIsTheAnswerOnly() {
        Episode e = new EpisodeEncoder(LAYOUT, TOKENIZER, 64, 3).training(QUERY, DEMOS);
        assertEquals(0, e.dropped());
        // <bos> say | e e = e <eos> | c c = d <eos> | a a = b <eos> | x =   then the target: y y <eos>
        assertEquals("say e e = e c c = d a a = b x =", TOKENIZER.decode(e.encoded().context()));
        assertArrayEquals(new int[] {TOKENIZER.id("y"), TOKENIZER.id("y"), TOKENIZER.eosId()}, e.encoded().target());
        Episode decoding = new EpisodeEncoder(LAYOUT, TOKENIZER, 64, 3).decoding(QUERY, DEMOS, 4);
        assertArrayEquals(e.encoded().context(), decoding.encoded().context(), "training and decoding read the same text");
        try (NDManager m = NDManager.newBaseManager()) {
            Batch b = Batch.ofExamples(List.of(e.encoded()), 0, m);
            float[] mask = b.lossMask().toFloatArray();
            int counted = 0;
            for (int i = 0; i < mask.length; i++) {
                counted += (int) mask[i];
                // only the positions that predict the answer's tokens count: the last three of the sequence
                assertEquals(i >= mask.length - 3 ? 1f : 0f, mask[i], "position " + i);
            }
            assertEquals(3, counted);
        }
    }

    @Test
    void anOverflowDropsTheLeastSimilarFirstAndCountsThem() {
        // 4 + 4 + 4 tokens of demonstrations, 4 of bos/instruction/query, a prompt of 3, an answer of 3 (2 read)
        int full = new EpisodeEncoder(LAYOUT, TOKENIZER, 64, 3).training(QUERY, DEMOS).encoded().context().length;
        Episode oneLess = new EpisodeEncoder(LAYOUT, TOKENIZER, 3 + full - 1 + 2, 3).training(QUERY, DEMOS);
        assertEquals(1, oneLess.dropped());
        assertEquals(List.of(DEMOS.get(0), DEMOS.get(1)), oneLess.demonstrations());
        Episode none = new EpisodeEncoder(LAYOUT, TOKENIZER, 3 + full - 12 + 2, 3).training(QUERY, DEMOS);
        assertEquals(3, none.dropped());
        assertTrue(none.demonstrations().isEmpty());
        // decoding reserves room for the new tokens instead of the answer
        Episode decoding = new EpisodeEncoder(LAYOUT, TOKENIZER, 3 + full - 4 + 8, 3).decoding(QUERY, DEMOS, 8);
        assertEquals(1, decoding.dropped());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new EpisodeEncoder(LAYOUT, TOKENIZER, 3 + 4, 3).training(QUERY, DEMOS));
        assertTrue(e.getMessage().contains("without any demonstration") && e.getMessage().contains("\"x\""), e.getMessage());
    }
}
