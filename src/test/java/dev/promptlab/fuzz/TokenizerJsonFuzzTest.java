package dev.promptlab.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import dev.promptlab.tokenize.Tokenizer;
import dev.promptlab.tokenize.Tokenizers;
import dev.promptlab.tokenize.WordTokenizer;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The tokenizer.json reader under fuzzing, promptlab's WordLevel files and byte-level BPE ones
 * (which go to the Rust tokenizers library through JNI): for any tokenizer.json,
 * {@link Tokenizers#load} returns a tokenizer, or throws an IllegalArgumentException naming the
 * file, and the tokenizer's encode and decode answer or refuse the same way; never another
 * exception, and never a native crash (which would end the test JVM).
 */
class TokenizerJsonFuzzTest {
    private static final Path DIR = Fuzz.tempDir("tokenizer");
    private static final String BPE = "{\"version\":\"1.0\",\"truncation\":null,\"padding\":null,\"added_tokens\":[{\"id\":6,"
            + "\"content\":\"<|endoftext|>\",\"single_word\":false,\"lstrip\":false,\"rstrip\":false,\"normalized\":true,"
            + "\"special\":true}],\"normalizer\":null,\"pre_tokenizer\":{\"type\":\"ByteLevel\",\"add_prefix_space\":false,"
            + "\"trim_offsets\":true,\"use_regex\":true},\"post_processor\":{\"type\":\"ByteLevel\",\"add_prefix_space\":true,"
            + "\"trim_offsets\":false,\"use_regex\":true},\"decoder\":{\"type\":\"ByteLevel\",\"add_prefix_space\":true,"
            + "\"trim_offsets\":true,\"use_regex\":true},\"model\":{\"type\":\"BPE\",\"dropout\":null,\"unk_token\":null,"
            + "\"continuing_subword_prefix\":null,\"end_of_word_suffix\":null,\"fuse_unk\":false,\"byte_fallback\":false,"
            + "\"vocab\":{\"a\":0,\"b\":1,\"c\":2,\"ab\":3,\"\u0120\":4,\"\u0120c\":5},\"merges\":[\"a b\",\"\u0120 c\"]}}";
    private static final List<JsonNode> SEEDS = List.of(Mutations.parse(wordLevel()), Mutations.parse(BPE));

    @Property(seed = FuzzCheck.SEED)
    void loadsATokenizerThatWorksOrIsRefusedByName(@ForAll("files") byte[] input) throws IOException {
        Path file = DIR.resolve("tokenizer.json");
        Files.write(file, input);
        Tokenizer t = FuzzCheck.readOrRefuse(DIR.toString(), input, IllegalArgumentException.class,
                () -> Tokenizers.load(DIR));
        if (t == null) {
            return;
        }
        try {
            assertTrue(t.vocabSize() >= 0);
            int[] ids = FuzzCheck.readOrRefuse(DIR.toString(), input, IllegalArgumentException.class,
                    () -> t.encode("ab c, the cat"));
            if (ids != null) {
                for (int id : ids) {
                    assertTrue(id >= 0, "id " + id);
                }
                FuzzCheck.readOrRefuse(DIR.toString(), input, IllegalArgumentException.class, () -> t.decode(ids));
            }
        } catch (RuntimeException e) {
            AssertionError failure = new AssertionError("a loaded tokenizer failed on text: " + e + "\n"
                    + Mutations.show(input));
            failure.initCause(e);
            throw failure;
        } finally {
            if (t instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception ignored) {
                    // freeing the native handle early; the finalizer would
                }
            }
        }
    }

    @Provide
    Arbitrary<byte[]> files() {
        return Arbitraries.oneOf(Mutations.json(SEEDS), Mutations.bytes(SEEDS.stream()
                .map(n -> n.toString().getBytes(StandardCharsets.UTF_8)).toList()));
    }

    /** A promptlab WordLevel tokenizer.json, as init-model writes it. */
    private static String wordLevel() {
        try {
            Path seed = Fuzz.tempDir("tokenizer-seed");
            WordTokenizer.fit(List.of("the cat sat on the mat.", "a dog, the cat!"), 100, 1).save(seed.resolve("t.json"));
            String json = Files.readString(seed.resolve("t.json"));
            Fuzz.delete(seed);
            return json;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterContainer
    static void cleanUp() {
        Fuzz.delete(DIR);
    }
}
