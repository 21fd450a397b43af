package dev.promptlab.tokenize;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * GPT-2's real tokenizer, rebuilt here as {@code vocab.json} + {@code merges.txt} (and as
 * {@code tokenizer.json}) from the r50k_base ranks that jtokkit ships (r50k_base is GPT-2's
 * byte-level BPE: same 50,257 tokens, same ids), must give exactly jtokkit's ids: an independent
 * implementation with GPT-2's real vocabulary, so no hub download is needed.
 */
class Gpt2TokenizerParityTest {
    private static final int EOT = 50256;
    private static final List<String> TEXTS = List.of(
            "Hello world! It's a test, isn't it? We'll see: 12345 + 67.89 = ?",
            "  leading spaces,\ttabs\tand\nnew lines\n\n  and trailing   ",
            "Unicode: café, naïve, Ünïcödé, 東京, Москва, עברית, ελληνικά",
            "Emoji 😀👍🏽🎉 and ZWJ 👩‍💻, symbols ©®™ — “quotes” ‘single’ …",
            "code: for (int i = 0; i < n; i++) { sum += a[i] * b[i]; } // done",
            "numbers 1 22 333 4444 55555 666666 3.14159 1e-10 0x1F",
            "The quick brown fox jumps over the lazy dog. THE QUICK BROWN FOX.",
            "I'm, you're, they've, he'd, she'll, it's, we'D, THEY'LL");
    @TempDir
    static Path dir;
    static Encoding reference;
    static Tokenizer fromVocabMerges;
    static Tokenizer fromTokenizerJson;

    @BeforeAll
    static void buildGpt2Files() throws IOException {
        reference = Encodings.newDefaultEncodingRegistry().getEncoding(EncodingType.R50K_BASE);
        Map<ByteKey, Integer> ranks = readRanks();
        Path vm = dir.resolve("vm");
        Files.createDirectories(vm);
        Map<String, Integer> vocab = new LinkedHashMap<>();
        ranks.entrySet().stream().sorted(Map.Entry.comparingByValue())
                .forEach(e -> vocab.put(symbols(e.getKey().bytes), e.getValue()));
        vocab.put("<|endoftext|>", EOT);
        Files.writeString(vm.resolve("vocab.json"), new ObjectMapper().writeValueAsString(vocab));
        Files.writeString(vm.resolve("merges.txt"), "#version: 0.2\n" + String.join("\n", merges(ranks)) + "\n");
        // GPT-2's special-token ids come from the model's config.json, as in a real GPT-2 directory
        String config = "{\"model_type\": \"gpt2\", \"bos_token_id\": 50256, \"eos_token_id\": 50256}";
        Files.writeString(vm.resolve("config.json"), config);
        fromVocabMerges = HfTokenizer.load(vm);

        Path tj = dir.resolve("tj");
        Files.createDirectories(tj);
        Files.writeString(tj.resolve("tokenizer.json"), new ObjectMapper().writeValueAsString(
                HfTokenizer.byteLevelBpeJson(vm.resolve("vocab.json"), vm.resolve("merges.txt"))));
        Files.writeString(tj.resolve("config.json"), config);
        fromTokenizerJson = HfTokenizer.load(tj);
    }

    @Test
    void vocabularyIsGpt2s() {
        assertEquals(50257, fromVocabMerges.vocabSize());
        assertEquals(EOT, fromVocabMerges.eosId());
    }

    @Test
    void idsEqualGpt2sOnSpacesPunctuationDigitsUnicodeAndEmoji() {
        for (String text : TEXTS) {
            int[] expected = reference.encode(text).toArray();
            assertArrayEquals(expected, fromVocabMerges.encode(text), "vocab.json + merges.txt: " + text);
            assertArrayEquals(expected, fromTokenizerJson.encode(text), "tokenizer.json: " + text);
            assertEquals(text, fromVocabMerges.decode(expected), "decode: " + text);
        }
    }

    @Test
    void wellKnownIdsOfGpt2() {
        // ids anyone can check against GPT-2: "Hello" 15496, " world" 995, "!" 0
        assertArrayEquals(new int[] {15496, 995, 0}, fromVocabMerges.encode("Hello world!"));
    }

    /** Token bytes → rank, from jtokkit's r50k_base.tiktoken ("base64 rank" per line). */
    private static Map<ByteKey, Integer> readRanks() throws IOException {
        Map<ByteKey, Integer> ranks = new HashMap<>();
        try (InputStream in = Encoding.class.getResourceAsStream("/com/knuddels/jtokkit/r50k_base.tiktoken");
                BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                if (line.isBlank()) {
                    continue;
                }
                String[] parts = line.split(" ");
                ranks.put(new ByteKey(Base64.getDecoder().decode(parts[0])), Integer.parseInt(parts[1]));
            }
        }
        return ranks;
    }

    /**
     * The merge that creates each multi-byte token, in rank order: BPE over the token's own bytes
     * using only merges of lower rank ends in exactly two parts, and those two parts are the merge.
     */
    private static List<String> merges(Map<ByteKey, Integer> ranks) {
        List<Map.Entry<ByteKey, Integer>> tokens = new ArrayList<>(ranks.entrySet());
        tokens.sort(Map.Entry.comparingByValue());
        List<String> out = new ArrayList<>();
        for (Map.Entry<ByteKey, Integer> t : tokens) {
            byte[] bytes = t.getKey().bytes;
            if (bytes.length < 2) {
                continue;
            }
            List<byte[]> parts = new ArrayList<>();
            for (byte b : bytes) {
                parts.add(new byte[] {b});
            }
            while (true) {
                int best = -1;
                int bestRank = Integer.MAX_VALUE;
                for (int i = 0; i + 1 < parts.size(); i++) {
                    Integer rank = ranks.get(new ByteKey(concat(parts.get(i), parts.get(i + 1))));
                    if (rank != null && rank < t.getValue() && rank < bestRank) {
                        best = i;
                        bestRank = rank;
                    }
                }
                if (best < 0) {
                    break;
                }
                parts.set(best, concat(parts.get(best), parts.get(best + 1)));
                parts.remove(best + 1);
            }
            if (parts.size() != 2) {
                throw new IllegalStateException("token of rank " + t.getValue() + " has no two-part merge");
            }
            out.add(symbols(parts.get(0)) + " " + symbols(parts.get(1)));
        }
        return out;
    }

    private static String symbols(byte[] bytes) {
        StringBuilder sb = new StringBuilder();
        for (byte b : bytes) {
            sb.append(HfTokenizerTest.byteSymbol(b & 0xFF));
        }
        return sb.toString();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    private record ByteKey(byte[] bytes) {
        @Override
        public boolean equals(Object o) {
            return o instanceof ByteKey k && java.util.Arrays.equals(bytes, k.bytes);
        }

        @Override
        public int hashCode() {
            return java.util.Arrays.hashCode(bytes);
        }
    }
}
