package dev.promptlab.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.promptlab.adapt.SoftPrompt;
import dev.promptlab.adapt.SoftPromptConfig;
import dev.promptlab.model.GptArchitecture;
import dev.promptlab.model.LanguageModel;
import dev.promptlab.model.ModelConfig;
import dev.promptlab.model.ModelInput;
import dev.promptlab.task.DataFormatException;
import dev.promptlab.task.Encoder;
import dev.promptlab.task.Example;
import dev.promptlab.task.Template;
import dev.promptlab.tensor.Rng;
import dev.promptlab.tensor.Scopes;
import dev.promptlab.tokenize.WordTokenizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Direct and channel verbalizer scores equal a by-hand computation: log-softmax in Java over the
 * logits of one unbatched forward pass per (example, label), with and without a soft prompt.
 */
class ScoringTest {
    private static final WordTokenizer TOKENIZER = WordTokenizer.ofWords(List.of("review", ":", "sentiment", "great",
            "terrible", "the", "movie", "was", "fun", "a", "dull", "film", "long", "and", "very"));
    private static final Template TEMPLATE = new Template("Review: {input}\nSentiment: {output}");
    private static final List<String> LABELS = List.of("great", "terrible");
    private static final List<Example> EXAMPLES = List.of(new Example("the movie was fun", "great"),
            new Example("a dull film", "terrible"), new Example("a very long and dull movie", "terrible"));
    private static NDManager manager;
    private static LanguageModel model;
    private static SoftPrompt prompt;

    @BeforeAll
    static void setUp() {
        manager = NDManager.newBaseManager();
        ModelConfig c = new ModelConfig("gpt", TOKENIZER.vocabSize(), 64, 16, 2, 2, 64, 1e-5, 1, 2);
        model = new GptArchitecture().init(c, manager, new Rng(3));
        // frozen weights, no gradients (a Number operand is safe here): peaked, distinct distributions
        model.inputEmbeddings().muli(20f);
        prompt = SoftPrompt.create(new SoftPromptConfig(3, SoftPromptConfig.Init.RANDOM, null), model, TOKENIZER,
                new Rng(7));
    }

    @AfterAll
    static void tearDown() {
        prompt.close();
        model.close();
        manager.close();
    }

    @Test
    void channelLayoutPutsTheLabelPartFirstAndScoresTheInput() {
        ChannelLayout layout = new ChannelLayout(TEMPLATE);
        assertEquals("Sentiment: great\nReview:", layout.context("great"));
        assertEquals(" the movie", layout.target("the movie"));
        ChannelLayout plain = new ChannelLayout(Template.DEFAULT);
        assertEquals("great", plain.context("great"));
        assertEquals(" the movie", plain.target("the movie"));
        ChannelLayout glued = new ChannelLayout(new Template("Q:{input}=>{output}"));
        assertEquals("=>yes Q:", glued.context("yes"));
        assertEquals("x", glued.target("x"));
    }

    @Test
    void promptsScoredTogetherScoreAsEachAlone() {
        Encoder encoder = new Encoder(TOKENIZER, TEMPLATE);
        try (SoftPrompt other = SoftPrompt.create(new SoftPromptConfig(3, SoftPromptConfig.Init.TEXT, "terrible dull film"), model,
                TOKENIZER, new Rng(8))) { // real tokens' embeddings: far from the random prompt
            // one-token labels read from one output row per example; two-token labels score whole sequences
            for (List<String> labels : List.of(LABELS, List.of("very fun", "dull film"))) {
                for (Scoring scoring : Scoring.values()) {
                    double[][][] together = VerbalizerClassifier.scoresEach(model, List.of(prompt, other), encoder, labels,
                            2, scoring, EXAMPLES);
                    for (int k = 0; k < 2; k++) {
                        double[][] alone = new VerbalizerClassifier(model, k == 0 ? prompt : other, encoder, labels, 3,
                                scoring).scores(EXAMPLES);
                        for (int i = 0; i < EXAMPLES.size(); i++) {
                            for (int j = 0; j < labels.size(); j++) {
                                assertEquals(alone[i][j], together[k][i][j], 1e-4, scoring + " " + labels + " prompt " + k);
                            }
                        }
                    }
                    double differ = 0;
                    for (int i = 0; i < EXAMPLES.size(); i++) {
                        for (int j = 0; j < labels.size(); j++) {
                            differ = Math.max(differ, Math.abs(together[0][i][j] - together[1][i][j]));
                        }
                    }
                    assertTrue(differ > 1e-3, "the two prompts must score differently: " + differ);
                }
            }
        }
    }

    @Test
    void directScoresAreTheMeanNllOfTheLabelAfterTheInput() {
        checkAgainstHand(Scoring.DIRECT, null);
        checkAgainstHand(Scoring.DIRECT, prompt);
    }

    @Test
    void channelScoresAreTheMeanNllOfTheInputAfterTheLabel() {
        checkAgainstHand(Scoring.CHANNEL, null);
        checkAgainstHand(Scoring.CHANNEL, prompt);
    }

    @Test
    void theTwoModesScoreDifferentTokens() {
        Encoder encoder = new Encoder(TOKENIZER, TEMPLATE);
        double[][] direct = new VerbalizerClassifier(model, null, encoder, LABELS, 4, Scoring.DIRECT).scores(EXAMPLES);
        double[][] channel = new VerbalizerClassifier(model, null, encoder, LABELS, 4, Scoring.CHANNEL).scores(EXAMPLES);
        assertTrue(Math.abs(direct[0][0] - channel[0][0]) > 1e-3, direct[0][0] + " vs " + channel[0][0]);
    }

    @Test
    void aTextWithoutTokensIsRefused() {
        Encoder encoder = new Encoder(TOKENIZER, TEMPLATE);
        VerbalizerClassifier channel = new VerbalizerClassifier(model, null, encoder, LABELS, 4, Scoring.CHANNEL);
        DataFormatException e = assertThrows(DataFormatException.class,
                () -> channel.scores(List.of(new Example("  ", "great"))));
        assertTrue(e.getMessage().contains("input"), e.getMessage());
        assertEquals(Scoring.CHANNEL, Scoring.parse("Channel"));
        assertThrows(IllegalArgumentException.class, () -> Scoring.parse("noisy"));
    }

    /** Batched scores (3 pairs a batch, so rows of different lengths share a padded batch) vs by hand. */
    private static void checkAgainstHand(Scoring scoring, SoftPrompt adapter) {
        Encoder encoder = new Encoder(TOKENIZER, TEMPLATE);
        VerbalizerClassifier classifier = new VerbalizerClassifier(model, adapter, encoder, LABELS, 3, scoring);
        double[][] scores = classifier.scores(EXAMPLES);
        List<String> predictions = classifier.predict(EXAMPLES);
        for (int i = 0; i < EXAMPLES.size(); i++) {
            String input = EXAMPLES.get(i).input();
            int best = 0;
            double[] hand = new double[LABELS.size()];
            for (int j = 0; j < LABELS.size(); j++) {
                String label = LABELS.get(j);
                // the layouts written out by hand, not through the code under test
                String context = scoring == Scoring.DIRECT ? "Review: " + input + "\nSentiment:"
                        : "Sentiment: " + label + "\nReview:";
                String scored = scoring == Scoring.DIRECT ? " " + label : " " + input;
                hand[j] = handMeanNll(withBos(TOKENIZER.encode(context)), TOKENIZER.encode(scored), adapter);
                assertEquals(hand[j], scores[i][j], 1e-4, scoring + " example " + i + " label " + label);
                best = hand[j] < hand[best] ? j : best;
            }
            assertEquals(LABELS.get(best), predictions.get(i), scoring + " example " + i);
        }
    }

    private static int[] withBos(int[] ids) {
        int[] out = new int[ids.length + 1];
        out[0] = WordTokenizer.BOS_ID;
        System.arraycopy(ids, 0, out, 1, ids.length);
        return out;
    }

    /** Mean over the scored tokens of -log p(token | everything before it), from one unbatched forward pass. */
    private static double handMeanNll(int[] context, int[] scored, SoftPrompt adapter) {
        int t = context.length + scored.length;
        long[] seq = new long[t];
        for (int i = 0; i < t; i++) {
            seq[i] = i < context.length ? context[i] : scored[i - context.length];
        }
        try (NDManager scope = manager.newSubManager()) {
            NDArray ids = scope.create(seq, new Shape(1, t)); // (1, T)
            ModelInput input = ModelInput.ofIds(ids);
            int p = 0;
            if (adapter != null) {
                p = adapter.virtualTokens();
                NDArray tokens = Scopes.into(scope, model.embed(ids)); // (1, T, C)
                NDArray rows = Scopes.into(scope, adapter.embeddings().stopGradient().expandDims(0)); // (1, P, C)
                input = ModelInput.ofEmbeddings(rows.concat(tokens, 1)); // (1, P+T, C)
            }
            float[] logits = model.forward(input).logits().toFloatArray(); // (1, P+T, V) flattened
            int v = model.vocabSize();
            double sum = 0;
            for (int k = 0; k < scored.length; k++) {
                int row = p + context.length + k - 1; // the position that predicts scored[k]
                double max = Double.NEGATIVE_INFINITY;
                for (int w = 0; w < v; w++) {
                    max = Math.max(max, logits[row * v + w]);
                }
                double z = 0;
                for (int w = 0; w < v; w++) {
                    z += Math.exp(logits[row * v + w] - max);
                }
                sum += max + Math.log(z) - logits[row * v + scored[k]];
            }
            return sum / scored.length;
        }
    }
}
