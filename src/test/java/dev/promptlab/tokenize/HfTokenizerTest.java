package dev.promptlab.tokenize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link HfTokenizer} on a tiny hand-made GPT-2 style byte-level BPE whose ids are computed by
 * hand: the vocabulary is the 256 byte symbols (id = byte value), then four merges, then
 * {@code <|endoftext|>}.
 */
class HfTokenizerTest {
    static final List<String> MERGES = List.of("Ġ t", "h e", "Ġt he", "1 2");
    static final int G_T = 256, HE = 257, G_THE = 258, TWELVE = 259, EOT = 260;

    /**
     * "Hi  the café, to 123 😀!" + EOT, split by GPT-2's regex into
     * "Hi" | " " | " the" | " café" | "," | " to" | " 123" | " 😀!", then merged.
     */
    static final String TEXT = "Hi  the café, to 123 😀!";
    static final int[] EXPECTED = {
        'H', 'i',                          // "Hi": no merge applies
        ' ',                               // lone space before " the" (\s+(?!\S))
        G_THE,                             // Ġ t h e -> Ġt h e -> Ġt he -> Ġthe
        ' ', 'c', 'a', 'f', 0xC3, 0xA9,    // é is UTF-8 C3 A9, each byte its own symbol
        ',',
        G_T, 'o',                          // Ġ t o -> Ġt o
        ' ', TWELVE, '3',                  // digits: "1 2" merges, 3 stays
        ' ', 0xF0, 0x9F, 0x98, 0x80, '!',  // 😀 is F0 9F 98 80; emoji and ! are one pre-token
        EOT};

    /** GPT-2's bytes_to_unicode, written out independently of the code under test. */
    static String byteSymbol(int b) {
        if ((b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF)) {
            return String.valueOf((char) b);
        }
        int n = 0;
        for (int x = 0; x < b; x++) {
            if (!((x >= '!' && x <= '~') || (x >= 0xA1 && x <= 0xAC) || (x >= 0xAE && x <= 0xFF))) {
                n++;
            }
        }
        return String.valueOf((char) (256 + n));
    }

    static Map<String, Integer> vocab() {
        Map<String, Integer> v = new LinkedHashMap<>();
        for (int b = 0; b < 256; b++) {
            v.put(byteSymbol(b), b);
        }
        v.put("Ġt", G_T);
        v.put("he", HE);
        v.put("Ġthe", G_THE);
        v.put("12", TWELVE);
        v.put("<|endoftext|>", EOT);
        return v;
    }

    static Path writeVocabMerges(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("vocab.json"), new ObjectMapper().writeValueAsString(vocab()));
        Files.writeString(dir.resolve("merges.txt"), "#version: 0.2\n" + String.join("\n", MERGES) + "\n");
        return dir;
    }

    /** The same tokenizer as GPT-2's own tokenizer.json spells it, written by hand. */
    static Path writeTokenizerJson(Path dir) throws IOException {
        Files.createDirectories(dir);
        String vocab = new ObjectMapper().writeValueAsString(vocab());
        String merges = new ObjectMapper().writeValueAsString(MERGES);
        Files.writeString(dir.resolve("tokenizer.json"), """
                {"version": "1.0", "truncation": null, "padding": null,
                 "added_tokens": [{"id": 260, "special": true, "content": "<|endoftext|>", "single_word": false,
                                   "lstrip": false, "rstrip": false, "normalized": true}],
                 "normalizer": null,
                 "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true},
                 "post_processor": {"type": "ByteLevel", "add_prefix_space": true, "trim_offsets": false},
                 "decoder": {"type": "ByteLevel", "add_prefix_space": true, "trim_offsets": true},
                 "model": {"type": "BPE", "dropout": null, "unk_token": null, "continuing_subword_prefix": "",
                           "end_of_word_suffix": "", "fuse_unk": false, "vocab": %s, "merges": %s}}
                """.formatted(vocab, merges));
        return dir;
    }

    @Test
    void byteLevelBpeFromVocabAndMergesGivesHandComputedIds(@TempDir Path tmp) throws IOException {
        try (HfTokenizer tok = HfTokenizer.load(writeVocabMerges(tmp.resolve("vm")))) {
            assertArrayEquals(EXPECTED, tok.encode(TEXT + "<|endoftext|>"));
            assertEquals(List.of("vocab.json", "merges.txt"), tok.sourceFiles());
        }
    }

    @Test
    void equivalentTokenizerJsonGivesTheSameIds(@TempDir Path tmp) throws IOException {
        try (HfTokenizer fromJson = HfTokenizer.load(writeTokenizerJson(tmp.resolve("tj")));
             HfTokenizer fromFiles = HfTokenizer.load(writeVocabMerges(tmp.resolve("vm")))) {
            assertArrayEquals(EXPECTED, fromJson.encode(TEXT + "<|endoftext|>"));
            for (String t : TestTexts.VARIED) {
                assertArrayEquals(fromJson.encode(t), fromFiles.encode(t), () -> "differ on: " + t);
                assertEquals(t, fromFiles.decode(fromFiles.encode(t)), "byte-level BPE is lossless");
            }
        }
    }

    @Test
    void decodeInvertsEncodeAndSkipsSpecials(@TempDir Path tmp) throws IOException {
        try (HfTokenizer tok = HfTokenizer.load(writeVocabMerges(tmp))) {
            assertEquals(TEXT, tok.decode(EXPECTED));
            assertEquals(" the", tok.decode(new int[] {EOT, G_THE, EOT}));
            assertThrows(IllegalArgumentException.class, () -> tok.decode(new int[] {EOT + 1}));
        }
    }

    @Test
    void vocabularyAndSpecialsWithoutConfigs(@TempDir Path tmp) throws IOException {
        try (HfTokenizer tok = HfTokenizer.load(writeVocabMerges(tmp))) {
            assertEquals(261, tok.vocabSize());
            assertEquals("Ġthe", tok.token(G_THE));
            assertEquals(G_THE, tok.id("Ġthe"));
            assertEquals(HE, tok.id("he"));
            assertEquals("Ā", tok.token(0)); // byte 0 -> U+0100
            assertEquals(-1, tok.id("the"));
            assertEquals(List.of(EOT), tok.specialIds());
            assertEquals(-1, tok.bosId());
            assertEquals(-1, tok.eosId());
            assertEquals(-1, tok.padId());
            assertFalse(tok.addsBos());
        }
    }

    @Test
    void specialIdsFromTokenizerConfigThenConfigJson(@TempDir Path tmp) throws IOException {
        Path dir = writeTokenizerJson(tmp);
        // config.json alone: ids as given; a list of EOS ids takes the first.
        Files.writeString(dir.resolve("config.json"),
                "{\"bos_token_id\": 260, \"eos_token_id\": [258, 260], \"pad_token_id\": 0}");
        try (HfTokenizer tok = HfTokenizer.load(dir)) {
            assertEquals(260, tok.bosId());
            assertEquals(258, tok.eosId());
            assertEquals(0, tok.padId());
            assertFalse(tok.addsBos());
        }
        // tokenizer_config.json wins where it has the key: string, AddedToken object, explicit null.
        Files.writeString(dir.resolve("tokenizer_config.json"), """
                {"add_bos_token": true,
                 "bos_token": {"__type": "AddedToken", "content": "<|endoftext|>", "normalized": true},
                 "eos_token": "Ġthe",
                 "pad_token": null}
                """);
        try (HfTokenizer tok = HfTokenizer.load(dir)) {
            assertEquals(260, tok.bosId());
            assertEquals(258, tok.eosId());
            assertEquals(-1, tok.padId());
            assertTrue(tok.addsBos());
            assertEquals(List.of("tokenizer.json", "tokenizer_config.json"), tok.sourceFiles());
        }
    }

    /**
     * Found by fuzzing: the tokenizers library panics, aborting the JVM, on a BPE merge whose second
     * symbol is shorter than continuing_subword_prefix; promptlab refuses the file before the library
     * sees it; likewise a lone surrogate escape, which its JSON parser refuses inside the decoder with a panic.
     * Ids outside int range, and a file the library loads but cannot encode with, are refused too.
     */
    @Test
    void filesThatWouldCrashOrBreakTheLibraryAreRefused(@TempDir Path tmp) throws IOException {
        Path dir = writeTokenizerJson(tmp);
        Path file = dir.resolve("tokenizer.json");
        String good = Files.readString(file);
        Files.writeString(file, good.replace("\"continuing_subword_prefix\": \"\"", "\"continuing_subword_prefix\": \"F32\""));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HfTokenizer.load(dir));
        assertTrue(e.getMessage().contains("continuing_subword_prefix \"F32\""), e.getMessage());
        Files.writeString(file, good.replace("\"id\": 260", "\"id\": 9223372036854775807"));
        e = assertThrows(IllegalArgumentException.class, () -> HfTokenizer.load(dir));
        assertTrue(e.getMessage().contains("9223372036854775807") && e.getMessage().contains("ids are integers in [0, "),
                e.getMessage());
        Files.writeString(file, good.replace("\"decoder\": {\"type\": \"ByteLevel\"", "\"decoder\": {\"type\": \"\\ud800\""));
        e = assertThrows(IllegalArgumentException.class, () -> HfTokenizer.load(dir)); // the library aborted on it
        assertTrue(e.getMessage().contains("unpaired UTF-16 surrogate"), e.getMessage());
        Files.writeString(file, """
                {"version": "1.0", "added_tokens": [], "normalizer": null, "pre_tokenizer": {"type": "Whitespace"},
                 "post_processor": null, "decoder": null,
                 "model": {"type": "WordLevel", "vocab": {"the": 0, "cat": 1}, "unk_token": "<unk>"}}
                """);
        e = assertThrows(IllegalArgumentException.class, () -> HfTokenizer.load(dir));
        assertTrue(e.getMessage().contains("cannot encode text"), e.getMessage());
    }

    @Test
    void missingFilesAreReportedWithTheDirectory(@TempDir Path tmp) throws IOException {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HfTokenizer.load(tmp));
        assertTrue(e.getMessage().contains(tmp.toString()) && e.getMessage().contains("tokenizer.json")
                && e.getMessage().contains("merges.txt"), e.getMessage());
        Files.writeString(tmp.resolve("vocab.json"), "{}"); // vocab without merges is still nothing
        e = assertThrows(IllegalArgumentException.class, () -> Tokenizers.load(tmp));
        assertTrue(e.getMessage().contains(tmp.toString()), e.getMessage());
        Path absent = tmp.resolve("nope");
        e = assertThrows(IllegalArgumentException.class, () -> HfTokenizer.load(absent));
        assertTrue(e.getMessage().contains(absent.toString()), e.getMessage());
    }

    @Test
    void brokenTokenizerJsonIsReportedWithTheDirectory(@TempDir Path tmp) throws IOException {
        Files.writeString(tmp.resolve("tokenizer.json"), "{\"model\": {\"type\": \"BPE\", \"vocab\": {}, \"merges\": [\"a b\"]}}");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HfTokenizer.load(tmp));
        assertTrue(e.getMessage().contains(tmp.toString()), e.getMessage());
    }

    @Test
    void tokenizersLoadAndSaveRoundTripAnHfTokenizer(@TempDir Path tmp) throws IOException {
        Path src = writeVocabMerges(tmp.resolve("src"));
        Files.writeString(src.resolve("tokenizer_config.json"), "{\"eos_token\": \"<|endoftext|>\"}");
        Tokenizer tok = Tokenizers.load(src);
        assertInstanceOf(HfTokenizer.class, tok);
        Path dst = tmp.resolve("dst");
        Tokenizers.save(tok, dst);
        Tokenizer back = Tokenizers.load(dst);
        assertInstanceOf(HfTokenizer.class, back);
        assertArrayEquals(EXPECTED, back.encode(TEXT + "<|endoftext|>"));
        assertEquals(EOT, back.eosId());
        assertTrue(Files.isRegularFile(dst.resolve("merges.txt")));
        ((HfTokenizer) tok).close();
        ((HfTokenizer) back).close();
    }

    @Test
    void longInputIsNeitherTruncatedNorPadded(@TempDir Path tmp) throws IOException {
        try (HfTokenizer tok = HfTokenizer.load(writeVocabMerges(tmp))) {
            String text = " the".repeat(2000);
            assertEquals(2000, tok.encode(text).length);
            assertEquals(1, tok.encode(" the").length);
        }
    }
}
