package dev.promptlab.adapt;

import dev.promptlab.eval.SequenceScorer;
import dev.promptlab.model.LanguageModel;
import dev.promptlab.task.EncodedExample;
import dev.promptlab.tensor.Rng;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Scoring continuations from each context's cache (the context read once, then copied to one row
 * per continuation) gives what scoring every (context, continuation) pair whole gives, on every
 * architecture, with every kind of adapter, and with K prompts assigned row by row.
 */
class ContinuationScoringTest extends AdapterTestBase {
    /** Contexts of a few lengths, several sharing one (so a chunk holds more than one row). */
    private static List<int[]> contexts() {
        Rng rng = new Rng(4);
        List<int[]> out = new ArrayList<>();
        for (int length : new int[] {3, 5, 3, 7, 5, 3, 1}) {
            int[] c = new int[length];
            for (int j = 0; j < length; j++) {
                c[j] = 2 + rng.nextInt(MethodModels.VOCAB - 2);
            }
            out.add(c);
        }
        return out;
    }

    /** Continuations of one, two and three tokens, so the continuation pass pads some rows. */
    private static final int[][] CONTINUATIONS = {{5}, {7, 9}, {11, 3, 8}};

    private static List<MethodConfig> adapters() {
        return List.of(new SoftPromptConfig(3, SoftPromptConfig.Init.RANDOM, null), new PrefixConfig(2, false, 0),
                new LoraConfig(2, 4, List.of()));
    }

    @Test
    void continuationsFromTheCacheScoreAsWholePairs() {
        onEveryModelAndAdapter((scorer, what) -> check(scorer, new int[contexts().size()], what),
                (scorer, promptOf, what) -> check(scorer, promptOf, what));
    }

    /**
     * Next-token log-probabilities read after the contexts' shared leading tokens (read once per
     * prompt, then continued from) equal those of every (context, token) pair scored whole.
     */
    @Test
    void nextTokensAfterASharedLeadingPartScoreAsWholePairs() {
        onEveryModelAndAdapter((scorer, what) -> {
            checkNext(scorer, new int[contexts().size()], sharing(2), what + ", 2 shared");
            checkNext(scorer, new int[contexts().size()], contexts(), what + ", none shared");
        }, (scorer, promptOf, what) -> checkNext(scorer, promptOf, sharing(3), what));
    }

    private interface TwoPromptCheck {
        void run(SequenceScorer scorer, int[] promptOf, String what);
    }

    /**
     * {@code each} on a scorer of every architecture with no adapter and with each adapter kind,
     * then {@code twoPrompts} on a scorer of two soft prompts assigned row by row.
     */
    private void onEveryModelAndAdapter(java.util.function.BiConsumer<SequenceScorer, String> each,
            TwoPromptCheck twoPrompts) {
        for (MethodModels.Case c : MethodModels.all()) {
            try (LanguageModel model = c.build(root, 1)) {
                List<Adapter> adapters = new ArrayList<>();
                adapters.add(null);
                for (MethodConfig config : adapters()) {
                    adapters.add(config.create(model, null, new Rng(2)));
                }
                for (Adapter adapter : adapters) {
                    if (adapter instanceof Lora lora) {
                        perturb(lora); // LoRA starts as the identity: make it change the scores
                    }
                    each.accept(new SequenceScorer(model, adapter, 4, 0),
                            c + " " + (adapter == null ? "no adapter" : adapter.method()));
                }
                for (Adapter a : adapters) {
                    if (a != null) {
                        a.close();
                    }
                }
                try (Adapter p0 = new SoftPromptConfig(3, SoftPromptConfig.Init.RANDOM, null).create(model, null, new Rng(5));
                        Adapter p1 = new SoftPromptConfig(3, SoftPromptConfig.Init.RANDOM, null).create(model, null, new Rng(6))) {
                    twoPrompts.run(new SequenceScorer(model, List.of(p0, p1), 5, 0), new int[] {0, 1, 1, 0, 1, 0, 1},
                            c + " two prompts");
                }
            }
        }
    }

    /** {@link #contexts()} each behind the same {@code n} leading tokens. */
    private static List<int[]> sharing(int n) {
        List<int[]> out = new ArrayList<>();
        for (int[] tail : contexts()) {
            int[] c = new int[n + tail.length];
            for (int j = 0; j < n; j++) {
                c[j] = 3 + 2 * j;
            }
            System.arraycopy(tail, 0, c, n, tail.length);
            out.add(c);
        }
        return out;
    }

    private static void checkNext(SequenceScorer scorer, int[] promptOf, List<int[]> contexts, String what) {
        int[] tokens = {5, 7, 11};
        double[][] next = scorer.nextTokenLogProbs(contexts, promptOf, tokens);
        List<EncodedExample> pairs = new ArrayList<>();
        int[] pairPrompt = new int[contexts.size() * tokens.length];
        for (int i = 0; i < contexts.size(); i++) {
            for (int token : tokens) {
                pairPrompt[pairs.size()] = promptOf[i];
                pairs.add(new EncodedExample(contexts.get(i), new int[] {token}));
            }
        }
        double[] whole = scorer.meanNll(pairs, pairPrompt);
        double spread = 0;
        for (int i = 0; i < contexts.size(); i++) {
            for (int j = 0; j < tokens.length; j++) {
                assertEquals(-whole[i * tokens.length + j], next[i][j], 1e-4,
                        what + ": context " + Arrays.toString(contexts.get(i)) + ", token " + tokens[j]);
                spread = Math.max(spread, Math.abs(next[i][j] - next[0][0]));
            }
        }
        assertTrue(spread > 1e-3, what + ": the scores must differ from pair to pair");
    }

    private static void check(SequenceScorer scorer, int[] promptOf, String what) {
        List<int[]> contexts = contexts();
        double[][] cached = scorer.continuationNll(contexts, promptOf, CONTINUATIONS);
        List<EncodedExample> pairs = new ArrayList<>();
        int[] pairPrompt = new int[contexts.size() * CONTINUATIONS.length];
        for (int i = 0; i < contexts.size(); i++) {
            for (int[] continuation : CONTINUATIONS) {
                pairPrompt[pairs.size()] = promptOf[i];
                pairs.add(new EncodedExample(contexts.get(i), continuation));
            }
        }
        double[] whole = scorer.meanNll(pairs, pairPrompt);
        double spread = 0;
        for (int i = 0; i < contexts.size(); i++) {
            for (int j = 0; j < CONTINUATIONS.length; j++) {
                assertEquals(whole[i * CONTINUATIONS.length + j], cached[i][j], 1e-4,
                        what + ": context " + Arrays.toString(contexts.get(i)) + ", continuation " + j);
                spread = Math.max(spread, Math.abs(cached[i][j] - cached[0][0]));
            }
        }
        assertTrue(spread > 1e-3, what + ": the scores must differ from pair to pair");
    }

    private void perturb(Lora lora) {
        for (var p : lora.parameters().values()) {
            p.addi(root.randomNormal(0f, 0.3f, p.getShape(), p.getDataType()));
        }
    }
}
