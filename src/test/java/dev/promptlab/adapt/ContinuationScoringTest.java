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
        for (MethodModels.Case c : MethodModels.all()) {
            try (LanguageModel model = c.build(root, 1)) {
                List<Adapter> each = new ArrayList<>();
                each.add(null);
                for (MethodConfig config : adapters()) {
                    each.add(config.create(model, null, new Rng(2)));
                }
                for (Adapter adapter : each) {
                    if (adapter instanceof Lora lora) {
                        perturb(lora); // LoRA starts as the identity: make it change the scores
                    }
                    SequenceScorer scorer = new SequenceScorer(model, adapter, 4, 0);
                    check(scorer, new int[contexts().size()], c + " " + (adapter == null ? "no adapter" : adapter.method()));
                }
                for (Adapter a : each) {
                    if (a != null) {
                        a.close();
                    }
                }
                try (Adapter p0 = new SoftPromptConfig(3, SoftPromptConfig.Init.RANDOM, null).create(model, null, new Rng(5));
                        Adapter p1 = new SoftPromptConfig(3, SoftPromptConfig.Init.RANDOM, null).create(model, null, new Rng(6))) {
                    int[] promptOf = {0, 1, 1, 0, 1, 0, 1};
                    check(new SequenceScorer(model, List.of(p0, p1), 5, 0), promptOf, c + " two prompts");
                }
            }
        }
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
