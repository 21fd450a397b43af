package dev.promptlab.icl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.promptlab.model.Gpt;
import dev.promptlab.model.LanguageModel;
import dev.promptlab.model.ModelConfig;
import dev.promptlab.model.ModelInput;
import dev.promptlab.task.Example;
import dev.promptlab.tensor.Rng;
import dev.promptlab.tokenize.Tokenizer;
import dev.promptlab.tokenize.WordTokenizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Embedding retrieval on a tiny random GPT with a word tokenizer (which starts every text with BOS). */
class EmbeddingRetrieverTest {
    private static final WordTokenizer TOKENIZER = WordTokenizer.ofWords(
            List.of("the", "cat", "sat", "a", "dog", "ran", "birds", "fly", "high", "today", "and", "more", "words"));
    private static final List<Example> POOL = List.of(
            new Example("the cat sat", "x"),
            new Example("a dog ran", "x"),
            new Example("the cat sat", "x"),
            new Example("birds fly high today", "x"),
            new Example("dog", "x"));
    private static NDManager manager;
    private static LanguageModel model;

    @BeforeAll
    static void setUp() {
        manager = NDManager.newBaseManager();
        ModelConfig config = new ModelConfig("gpt", TOKENIZER.vocabSize(), 32, 16, 2, 2, 64, 1e-5, 1, 2);
        model = Gpt.init(config, manager, new Rng(11));
        model.parameters().forEach((name, p) -> {
            if (name.contains("wte")) {
                p.muli(20f); // distinct words get clearly distinct hidden states; frozen, no gradient
            }
        });
    }

    @AfterAll
    static void tearDown() {
        model.close();
        manager.close();
    }

    @Test
    void identicalInputsScoreOneAndTheQueryNeverRetrievesItself() {
        EmbeddingRetriever r = new EmbeddingRetriever(model, TOKENIZER, POOL, 2);
        List<Demonstration> got = r.retrieve(POOL.get(0), 0, 4);
        assertEquals(2, got.get(0).index(), "the other copy of the query's input comes first");
        assertEquals(1.0, got.get(0).score(), 1e-5);
        assertTrue(got.stream().noneMatch(d -> d.index() == 0), "never the query itself");
        for (int i = 1; i < got.size(); i++) {
            assertTrue(got.get(i - 1).score() >= got.get(i).score(), "best first");
            assertTrue(got.get(i).score() < 0.999, "different inputs are not identical: " + got.get(i));
        }
        // a query outside the pool is embedded when asked; both copies score 1, pool order breaks the tie
        List<Demonstration> outside = r.retrieve(new Example("the cat sat", "?"), -1, 2);
        assertEquals(List.of(0, 2), outside.stream().map(Demonstration::index).toList());
        assertEquals(1.0, outside.get(1).score(), 1e-5);
    }

    @Test
    void scoreIsTheCosineOfMeanLastHiddenStates() {
        EmbeddingRetriever r = new EmbeddingRetriever(model, TOKENIZER, POOL, 3);
        float[] a = meanHiddenByHand("a dog ran");
        float[] b = meanHiddenByHand("birds fly high today");
        double cosine = dot(a, b) / Math.sqrt(dot(a, a) * dot(b, b));
        Demonstration d = r.retrieve(POOL.get(1), 1, 4).stream().filter(x -> x.index() == 3).findFirst().orElseThrow();
        assertEquals(cosine, d.score(), 1e-5);
        float[] stored = r.embedding(1);
        double norm = Math.sqrt(dot(a, a));
        for (int i = 0; i < a.length; i++) {
            assertEquals(a[i] / norm, stored[i], 1e-5);
        }
    }

    @Test
    void paddingAndBatchingDoNotChangeAnEmbedding() {
        MeanHiddenEmbedder embedder = new MeanHiddenEmbedder(model, TOKENIZER, 8);
        float[] alone = embedder.embed(List.of("a dog ran"))[0];
        // with a longer text in its batch, "a dog ran" (BOS + 3 words) is right-padded by 6 positions
        float[] padded = embedder.embed(List.of("birds fly high today and more words and more", "a dog ran"))[1];
        assertArrayEquals(alone, padded, 1e-5f);
        float[][] oneByOne = new MeanHiddenEmbedder(model, TOKENIZER, 1).embed(POOL.stream().map(Example::input).toList());
        float[][] together = embedder.embed(POOL.stream().map(Example::input).toList());
        for (int i = 0; i < POOL.size(); i++) {
            assertArrayEquals(oneByOne[i], together[i], 1e-5f, "example " + i);
        }
        assertNotEquals(0f, alone[0]);
    }

    @Test
    void aTextWithNoTokensEmbedsAsZero() {
        Tokenizer noBos = new NoBos(TOKENIZER);
        float[][] e = new MeanHiddenEmbedder(model, noBos, 4).embed(List.of("", "the cat"));
        assertArrayEquals(new float[model.hiddenSize()], e[0]);
        EmbeddingRetriever r = new EmbeddingRetriever(model, noBos, List.of(new Example("", "x"), new Example("dog", "x")), 4);
        assertEquals(0.0, r.retrieve(new Example("dog", "x"), 1, 1).get(0).score(), 0);
    }

    @Test
    void badInputIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new EmbeddingRetriever(model, TOKENIZER, List.of(), 2));
        assertThrows(IllegalArgumentException.class, () -> new MeanHiddenEmbedder(model, TOKENIZER, 0));
        EmbeddingRetriever r = new EmbeddingRetriever(model, TOKENIZER, POOL, 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> r.retrieve(POOL.get(0), 0, 5));
        assertTrue(e.getMessage().contains("k = 5") && e.getMessage().contains("0..4"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> r.retrieve(POOL.get(0), 0, -2));
        assertThrows(IllegalArgumentException.class, () -> r.retrieve(POOL.get(1), 0, 1)); // index names another input
    }

    /** Mean over positions of the last hidden state of BOS + the text's words, one sequence, no mask. */
    private static float[] meanHiddenByHand(String text) {
        int[] words = TOKENIZER.encode(text);
        long[] ids = new long[words.length + 1];
        ids[0] = TOKENIZER.bosId();
        for (int i = 0; i < words.length; i++) {
            ids[i + 1] = words[i];
        }
        try (NDManager scope = model.manager().newSubManager()) {
            NDArray idArray = scope.create(ids, new Shape(1, ids.length)); // (1, T)
            NDArray hidden = model.forward(ModelInput.ofIds(idArray).withHidden(true)).hidden(); // (1, T, C)
            float[] flat = hidden.toFloatArray();
            int c = model.hiddenSize();
            float[] mean = new float[c];
            for (int t = 0; t < ids.length; t++) {
                for (int j = 0; j < c; j++) {
                    mean[j] += flat[t * c + j] / ids.length;
                }
            }
            return mean;
        }
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) a[i] * b[i];
        }
        return s;
    }

    /** The word tokenizer without its BOS, so an empty text has no tokens at all. */
    private record NoBos(WordTokenizer inner) implements Tokenizer {
        public int[] encode(String text) {
            return inner.encode(text);
        }

        public String decode(int[] ids) {
            return inner.decode(ids);
        }

        public String token(int id) {
            return inner.token(id);
        }

        public int id(String token) {
            return inner.id(token);
        }

        public int vocabSize() {
            return inner.vocabSize();
        }

        public int bosId() {
            return inner.bosId();
        }

        public int eosId() {
            return inner.eosId();
        }

        public int padId() {
            return inner.padId();
        }

        public boolean addsBos() {
            return false;
        }

        public List<Integer> specialIds() {
            return inner.specialIds();
        }
    }
}
