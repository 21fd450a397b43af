package dev.promptlab.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.promptlab.model.Gpt;
import dev.promptlab.model.LanguageModel;
import dev.promptlab.model.ModelConfig;
import dev.promptlab.model.ModelInput;
import dev.promptlab.tensor.Rng;
import dev.promptlab.tokenize.SymbolTokenizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Greedy, sampled and beam-search generation on a tiny random GPT, checked against brute force. */
class GeneratorTest {
    private static final int VOCAB = 12;
    private static NDManager manager;
    private static LanguageModel model;
    private static final int[] CONTEXT = {3, 7, 1, 4};

    @BeforeAll
    static void setUp() {
        manager = NDManager.newBaseManager();
        // Large init so the random model has peaked, distinct distributions.
        ModelConfig config = new ModelConfig("gpt", VOCAB, 32, 16, 2, 2, 64, 1e-5, -1, -1);
        model = Gpt.init(config, manager, new Rng(5));
        model.parameters().forEach((name, p) -> {
            if (name.contains("wte")) {
                p.muli(20f); // frozen weights, no gradients: a Number operand is safe here
            }
        });
    }

    @AfterAll
    static void tearDown() {
        model.close();
        manager.close();
    }

    /** Greedy decoding by re-reading the whole sequence at every step (no decoding state). */
    private static int[] bruteGreedy(int[] context, int n) {
        List<Integer> seq = new ArrayList<>();
        for (int id : context) {
            seq.add(id);
        }
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            try (NDManager scope = manager.newSubManager()) {
                long[] ids = seq.stream().mapToLong(Integer::longValue).toArray();
                NDArray logits = model.forward(ModelInput.ofIds(scope.create(ids, new Shape(1, ids.length)))).logits();
                out[i] = TokenSampler.argMax(logits.get(new NDIndex("0, -1, :")).toFloatArray());
                seq.add(out[i]);
            }
        }
        return out;
    }

    @Test
    void greedyWithTheCacheEqualsRereadingEverything() {
        Generation g = new Generator(model, null, null, -1).generate(CONTEXT, DecodingOptions.greedy(10));
        assertArrayEquals(bruteGreedy(CONTEXT, 10), g.ids());
        assertEquals(Generation.Stop.MAX_TOKENS, g.stop());
    }

    @Test
    void logProbOfAGenerationIsWhatTheScorerSays() {
        Generation g = new Generator(model, null, null, -1).generate(CONTEXT, DecodingOptions.greedy(6));
        int[] all = concat(CONTEXT, g.ids());
        double[] lp = new TokenLogProbs(model, null).of(all);
        double sum = 0;
        for (int i = CONTEXT.length; i < all.length; i++) {
            sum += lp[i];
        }
        assertEquals(sum, g.logProb(), 1e-4);
        assertTrue(Double.isNaN(lp[0]), "the first token has nothing before it");
    }

    @Test
    void beamSearchOverTwoTokensFindsTheBestPairExhaustively() {
        // With a beam as wide as the vocabulary, two steps of beam search are exact.
        Generation g = new Generator(model, null, null, -1)
                .generate(CONTEXT, new DecodingOptions(2, 0, 1, VOCAB, 0, List.of(), 0));
        double best = Double.NEGATIVE_INFINITY;
        int[] bestPair = null;
        TokenLogProbs scorer = new TokenLogProbs(model, null);
        for (int a = 0; a < VOCAB; a++) {
            for (int b = 0; b < VOCAB; b++) {
                double[] lp = scorer.of(concat(CONTEXT, new int[] {a, b}));
                double s = lp[CONTEXT.length] + lp[CONTEXT.length + 1];
                if (s > best) {
                    best = s;
                    bestPair = new int[] {a, b};
                }
            }
        }
        assertArrayEquals(bestPair, g.ids());
        assertEquals(best, g.logProb(), 1e-4);
    }

    @Test
    void beamOfOneIsGreedy() {
        Generation beam = new Generator(model, null, null, -1)
                .generate(CONTEXT, new DecodingOptions(8, 0, 1, 1, 1, List.of(), 0));
        assertArrayEquals(bruteGreedy(CONTEXT, 8), beam.ids());
    }

    @Test
    void wideBeamScoresAtLeastAsWellAsANarrowOneOnThisModel() {
        Generation narrow = new Generator(model, null, null, -1)
                .generate(CONTEXT, new DecodingOptions(5, 0, 1, 2, 0, List.of(), 0));
        Generation wide = new Generator(model, null, null, -1)
                .generate(CONTEXT, new DecodingOptions(5, 0, 1, 8, 0, List.of(), 0));
        assertEquals(5, wide.ids().length);
        assertTrue(wide.logProb() >= narrow.logProb() - 1e-6, wide.logProb() + " < " + narrow.logProb());
    }

    @Test
    void eosEndsTheGenerationAndIsNotReturned() {
        int[] greedy = bruteGreedy(CONTEXT, 4);
        int eos = greedy[2]; // declare the third greedy token the end of sequence
        int expectedLength = eos == greedy[0] ? 0 : eos == greedy[1] ? 1 : 2;
        Generation g = new Generator(model, null, null, eos).generate(CONTEXT, DecodingOptions.greedy(10));
        assertEquals(Generation.Stop.EOS, g.stop());
        assertArrayEquals(Arrays.copyOf(greedy, expectedLength), g.ids());
    }

    @Test
    void stopStringCutsTheText() {
        SymbolTokenizer tokenizer = letters();
        int[] greedy = bruteGreedy(CONTEXT, 6);
        String full = tokenizer.decode(greedy);
        String stop = tokenizer.decode(new int[] {greedy[3]});
        int cut = full.indexOf(stop);
        Generation g = new Generator(model, null, tokenizer, -1)
                .generate(CONTEXT, new DecodingOptions(6, 0, 1, 1, 1, List.of(stop), 0));
        assertEquals(Generation.Stop.STOP_STRING, g.stop());
        assertEquals(full.substring(0, cut), g.text());
    }

    @Test
    void aTinyNucleusIsGreedyAndSamplingIsSeeded() {
        Generator gen = new Generator(model, null, null, -1);
        Generation nucleus = gen.generate(CONTEXT, new DecodingOptions(8, 1.0, 1e-9, 1, 1, List.of(), 3));
        assertArrayEquals(bruteGreedy(CONTEXT, 8), nucleus.ids());
        DecodingOptions hot = new DecodingOptions(20, 5.0, 1, 1, 1, List.of(), 11);
        assertArrayEquals(gen.generate(CONTEXT, hot).ids(), gen.generate(CONTEXT, hot).ids());
        DecodingOptions otherSeed = new DecodingOptions(20, 5.0, 1, 1, 1, List.of(), 12);
        assertNotEquals(Arrays.toString(gen.generate(CONTEXT, hot).ids()),
                Arrays.toString(gen.generate(CONTEXT, otherSeed).ids()));
    }

    @Test
    void nucleusSamplingDrawsFromTheRenormalisedTop() {
        float[] logits = {(float) Math.log(0.5), (float) Math.log(0.3), (float) Math.log(0.2)};
        TokenSampler sampler = new TokenSampler(1.0, 0.75, 42);
        int[] counts = new int[3];
        int n = 20000;
        for (int i = 0; i < n; i++) {
            counts[sampler.next(logits)]++;
        }
        assertEquals(0, counts[2], "the token outside the 0.75 nucleus is never drawn");
        assertEquals(0.625, counts[0] / (double) n, 0.015);
        assertEquals(0.375, counts[1] / (double) n, 0.015);
    }

    @Test
    void generationLeavesNoArraysBehind() {
        int before = model.manager().getManagedArrays().size();
        for (int beams : new int[] {1, 3}) {
            new Generator(model, null, null, -1).generate(CONTEXT, new DecodingOptions(12, 0, 1, beams, 1, List.of(), 0));
        }
        assertEquals(before, model.manager().getManagedArrays().size());
    }

    @Test
    void badOptionsAreNamed() {
        assertThrows(IllegalArgumentException.class, () -> new DecodingOptions(0, 0, 1, 1, 1, List.of(), 0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new DecodingOptions(5, 0.7, 1, 4, 1, List.of(), 0));
        assertTrue(e.getMessage().contains("cannot be combined with sampling"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new DecodingOptions(5, 0, 0.9, 1, 1, List.of(), 0));
        assertTrue(e.getMessage().contains("top-p 0.9 needs sampling"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new Generator(model, null, null, -1).generate(new int[40], DecodingOptions.greedy(3)));
        assertTrue(e.getMessage().contains("no room in the model's context window of 32"), e.getMessage());
    }

    private static SymbolTokenizer letters() {
        List<String> symbols = new ArrayList<>();
        for (int i = 0; i < VOCAB; i++) {
            symbols.add(String.valueOf((char) ('a' + i)));
        }
        return new SymbolTokenizer(symbols, false);
    }

    private static int[] concat(int[] a, int[] b) {
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
