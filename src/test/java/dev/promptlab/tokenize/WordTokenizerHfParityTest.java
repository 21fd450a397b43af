package dev.promptlab.tokenize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java splitting of {@link WordTokenizer} against the Rust {@code tokenizers} library (via
 * DJL) reading the very tokenizer.json it saved: same ids, same token strings, same decode.
 */
class WordTokenizerHfParityTest {
    @Test
    void djlReadsSavedJsonAndGivesIdenticalIds(@TempDir Path dir) {
        // Fit on all but the last line, so that line has unknown words.
        WordTokenizer wt = WordTokenizer.fit(TestTexts.VARIED.subList(0, TestTexts.VARIED.size() - 1), 1000, 1);
        wt.save(dir.resolve("tokenizer.json"));
        try (HfTokenizer hf = HfTokenizer.load(dir)) {
            assertEquals(wt.vocabSize(), hf.vocabSize());
            assertEquals(wt.specialIds(), hf.specialIds());
            int unk = 0;
            for (String text : TestTexts.VARIED) {
                int[] expected = hf.encode(text);
                int[] actual = wt.encode(text);
                assertArrayEquals(expected, actual, () -> "ids differ for: " + text
                        + "\n  java: " + wt.split(text) + "\n  rust: " + hf.tokens(text));
                assertEquals(hf.tokens(text), tokensOf(wt, text), () -> "tokens differ for: " + text);
                assertEquals(hf.decode(actual), wt.decode(actual), () -> "decode differs for: " + text);
                for (int id : actual) {
                    unk += id == wt.unkId() ? 1 : 0;
                }
            }
            // The comparison only means something if unknown words really occurred.
            assertEquals(true, unk >= 4, "expected unknown words in the last line, got " + unk);
        }
    }

    @Test
    void tokenizersLoadRoutesPromptlabJsonToWordTokenizer(@TempDir Path dir) {
        WordTokenizer wt = WordTokenizer.fit(TestTexts.VARIED, 1000, 1);
        Tokenizers.save(wt, dir);
        Tokenizer loaded = Tokenizers.load(dir);
        assertInstanceOf(WordTokenizer.class, loaded);
        assertEquals(wt, loaded);
    }

    @Test
    void tokenizersLoadRoutesOtherWordLevelJsonToHf(@TempDir Path dir) throws java.io.IOException {
        WordTokenizer.fit(TestTexts.VARIED, 1000, 1).save(dir.resolve("tokenizer.json"));
        Path file = dir.resolve("tokenizer.json");
        // Without the Lowercase normalizer the pure-Java pipeline would be wrong, so HF must run it.
        java.nio.file.Files.writeString(file, java.nio.file.Files.readString(file)
                .replace("\"normalizer\" : {\n    \"type\" : \"Lowercase\"\n  }", "\"normalizer\" : null"));
        Tokenizer t = Tokenizers.load(dir);
        assertInstanceOf(HfTokenizer.class, t);
        assertEquals(3, t.encode("Hello")[0]); // "Hello" is not lower-cased, so unknown
        assertEquals(t.id("hello"), t.encode("hello")[0]);
        ((HfTokenizer) t).close();
    }

    /** The token strings as HF reports them: the vocabulary entry, or {@code <unk>}. */
    private static List<String> tokensOf(WordTokenizer wt, String text) {
        List<String> out = new ArrayList<>();
        for (int id : wt.encode(text)) {
            out.add(wt.token(id));
        }
        return out;
    }
}
