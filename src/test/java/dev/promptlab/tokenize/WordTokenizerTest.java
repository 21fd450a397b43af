package dev.promptlab.tokenize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WordTokenizerTest {
    static final List<String> CORPUS = List.of(
            "The cat sat on the mat.",
            "The dog sat on the log!",
            "A cat, a dog, and a bird.",
            "the END");

    @Test
    void splitsLowercasesAndIsolatesPunctuation() {
        WordTokenizer wt = WordTokenizer.fit(CORPUS, 100, 1);
        assertEquals(List.of("hello", ",", "world", "!"), wt.split("Hello, world!"));
        assertEquals(List.of("a", ".", ".", ".", "b", "$", "5", "don", "'", "t"), wt.split("a...b  $5\tdon't"));
        assertEquals(List.of("x", "<bos>", "y", "<", "eos", ">"), wt.split("X<bos>y <EOS>"));
    }

    @Test
    void fitOrdersByCountThenLexicographically() {
        WordTokenizer wt = WordTokenizer.fit(CORPUS, 100, 1);
        // counts: the 5, a 3, . 2, cat 2, dog 2, on 2, sat 2, then singletons ! , and bird end log mat
        assertEquals(List.of("<pad>", "<bos>", "<eos>", "<unk>", "the", "a", ",", ".", "cat", "dog", "on", "sat",
                "!", "and", "bird", "end", "log", "mat"), wt.vocabulary());
        assertEquals(0, wt.padId());
        assertEquals(1, wt.bosId());
        assertEquals(2, wt.eosId());
        assertEquals(3, wt.unkId());
        assertEquals(List.of(0, 1, 2, 3), wt.specialIds());
        assertTrue(wt.addsBos());
    }

    @Test
    void fitIsDeterministicWhateverTheLineOrder() {
        List<String> shuffled = new ArrayList<>(CORPUS);
        Collections.shuffle(shuffled, new Random(7));
        Collections.reverse(shuffled);
        assertEquals(WordTokenizer.fit(CORPUS, 12, 1).vocabulary(), WordTokenizer.fit(shuffled, 12, 1).vocabulary());
    }

    @Test
    void fitIsBoundedByMaxVocabAndMinCount() {
        WordTokenizer small = WordTokenizer.fit(CORPUS, 7, 1);
        assertEquals(List.of("<pad>", "<bos>", "<eos>", "<unk>", "the", "a", ","), small.vocabulary());
        WordTokenizer frequent = WordTokenizer.fit(CORPUS, 100, 2);
        assertEquals(List.of("<pad>", "<bos>", "<eos>", "<unk>", "the", "a", ",", ".", "cat", "dog", "on", "sat"),
                frequent.vocabulary());
        assertEquals(4 + 1, WordTokenizer.fit(CORPUS, 100, 5).vocabSize()); // only "the"
    }

    @Test
    void fitValidatesArguments() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> WordTokenizer.fit(CORPUS, 4, 1));
        assertTrue(e.getMessage().contains("maxVocab") && e.getMessage().contains("4"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> WordTokenizer.fit(CORPUS, 10, 0));
        assertTrue(e.getMessage().contains("minCount") && e.getMessage().contains("0"), e.getMessage());
        assertThrows(NullPointerException.class, () -> WordTokenizer.fit(null, 10, 1));
    }

    @Test
    void unknownWordsBecomeUnk() {
        WordTokenizer wt = WordTokenizer.fit(CORPUS, 100, 1);
        int[] ids = wt.encode("The zebra sat on the sofa?");
        assertArrayEquals(new int[] {wt.id("the"), 3, wt.id("sat"), wt.id("on"), wt.id("the"), 3, 3}, ids);
        assertEquals(-1, wt.id("zebra"));
    }

    @Test
    void encodeDecodeRoundTripsNormalisedText() {
        WordTokenizer wt = WordTokenizer.fit(CORPUS, 100, 1);
        String text = "The  CAT sat on the mat, and\tthe dog sat on the log!";
        String normalised = "the cat sat on the mat , and the dog sat on the log !";
        assertEquals(normalised, wt.decode(wt.encode(text)));
        assertArrayEquals(wt.encode(text), wt.encode(normalised));
        // Specials are skipped by decode; encode never adds them.
        int[] withSpecials = {1, wt.id("cat"), 3, 2, 0};
        assertEquals("cat", wt.decode(withSpecials));
        assertEquals(0, wt.encode("").length);
        assertThrows(IllegalArgumentException.class, () -> wt.decode(new int[] {wt.vocabSize()}));
    }

    @Test
    void saveLoadGivesAnEqualTokenizer(@TempDir Path dir) throws IOException {
        WordTokenizer wt = WordTokenizer.fit(TestTexts.VARIED, 1000, 1);
        Path file = dir.resolve("tokenizer.json");
        wt.save(file);
        WordTokenizer back = WordTokenizer.load(file);
        assertEquals(wt, back);
        assertEquals(wt.vocabulary(), back.vocabulary());
        for (String t : TestTexts.VARIED) {
            assertArrayEquals(wt.encode(t), back.encode(t));
        }
        assertNotEquals(wt, WordTokenizer.fit(CORPUS, 1000, 1));
        // Nothing but the target is left behind (the write went through a temp file).
        try (var files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList());
        }
    }

    @Test
    void loadRejectsOtherTokenizerJsonNamingFileAndField(@TempDir Path dir) throws IOException {
        WordTokenizer.fit(CORPUS, 100, 1).save(dir.resolve("tokenizer.json"));
        String good = Files.readString(dir.resolve("tokenizer.json"));

        Path bpe = dir.resolve("bpe.json");
        Files.writeString(bpe, good.replace("\"WordLevel\"", "\"BPE\""));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> WordTokenizer.load(bpe));
        assertTrue(e.getMessage().contains(bpe.toString()) && e.getMessage().contains("model.type"), e.getMessage());

        Path upper = dir.resolve("nolower.json");
        Files.writeString(upper, good.replace("\"Lowercase\"", "\"NFC\""));
        e = assertThrows(IllegalArgumentException.class, () -> WordTokenizer.load(upper));
        assertTrue(e.getMessage().contains(upper.toString()) && e.getMessage().contains("normalizer"), e.getMessage());

        Path missing = dir.resolve("absent.json");
        RuntimeException r = assertThrows(RuntimeException.class, () -> WordTokenizer.load(missing));
        assertTrue(r.getMessage().contains(missing.toString()), r.getMessage());
    }

    @Test
    void ofWordsBuildsAnExactVocabularyAndRejectsUnsplittableWords() {
        WordTokenizer wt = WordTokenizer.ofWords(List.of("yes", "no", "?"));
        assertArrayEquals(new int[] {4, 6, 5, 3}, wt.encode("Yes? no maybe"));
        assertThrows(IllegalArgumentException.class, () -> WordTokenizer.ofWords(List.of("Yes")));
        assertThrows(IllegalArgumentException.class, () -> WordTokenizer.ofWords(List.of("don't")));
        assertThrows(IllegalArgumentException.class, () -> WordTokenizer.ofWords(List.of("yes", "yes")));
    }
}
