package dev.promptlab.adapt;

import dev.promptlab.eval.DecodingOptions;
import dev.promptlab.eval.Generation;
import dev.promptlab.eval.Generator;
import dev.promptlab.eval.SharedPrefix;
import dev.promptlab.model.LanguageModel;
import dev.promptlab.tensor.Rng;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reusing the keys/values of a shared leading part (a soft prompt plus common tokens, as PT and
 * IPT-fixed contexts have) gives the same generations as reading every context whole, greedy and
 * beam, on every tiny architecture; so does decoding several prompts as rows of one batch.
 */
class SharedPrefixDecodingTest extends AdapterTestBase {
    private static final int SHARED = 6;

    /** Contexts that share their first {@link #SHARED} tokens and then differ (2 to 5 tokens of their own). */
    private static List<int[]> contexts() {
        Rng rng = new Rng(11);
        int[] head = new int[SHARED];
        for (int i = 0; i < SHARED; i++) {
            head[i] = 2 + rng.nextInt(MethodModels.VOCAB - 2);
        }
        List<int[]> out = new ArrayList<>();
        for (int n = 0; n < 4; n++) {
            int[] c = java.util.Arrays.copyOf(head, SHARED + 2 + n);
            c[SHARED] = 2 + n; // differ at the first own token, so the shared part is exactly SHARED long
            for (int i = SHARED + 1; i < c.length; i++) {
                c[i] = 2 + rng.nextInt(MethodModels.VOCAB - 2);
            }
            out.add(c);
        }
        return out;
    }

    @Test
    void reusedPrefixKeysValuesGiveTheSameGenerationsAsRecomputing() {
        List<int[]> contexts = contexts();
        assertEquals(SHARED, SharedPrefix.length(contexts));
        for (MethodModels.Case c : MethodModels.all()) {
            LanguageModel model = c.build(root, 3);
            try (SoftPrompt prompt = SoftPrompt.create(new SoftPromptConfig(3, SoftPromptConfig.Init.RANDOM, null), model,
                    null, new Rng(4))) {
                // eos -1: every generation runs its full budget, so every position is compared
                Generator generator = new Generator(model, prompt, null, -1);
                for (DecodingOptions options : List.of(DecodingOptions.greedy(6),
                        new DecodingOptions(6, 0, 1, 3, 1, List.of(), 0))) {
                    List<Generation> whole = SharedPrefix.generateAll(generator, contexts, options, false);
                    List<Generation> reused = SharedPrefix.generateAll(generator, contexts, options, true);
                    for (int i = 0; i < contexts.size(); i++) {
                        String what = c + ", " + options.beams() + " beam(s), context " + i;
                        assertArrayEquals(whole.get(i).ids(), reused.get(i).ids(), what);
                        assertEquals(whole.get(i).logProb(), reused.get(i).logProb(), 1e-3, what);
                    }
                }
            }
        }
    }

    /** K seeds' prompts decoded as K rows of one batch give each prompt's own generations. */
    @Test
    void promptsAsRowsOfOneBatchGiveEachPromptsOwnGenerations() {
        List<int[]> contexts = contexts();
        int stoppedEarly = 0;
        int all = 0;
        for (MethodModels.Case c : MethodModels.all()) {
            LanguageModel model = c.build(root, 3);
            List<SoftPrompt> prompts = new ArrayList<>();
            try {
                for (int k = 0; k < 3; k++) {
                    prompts.add(SoftPrompt.create(new SoftPromptConfig(3, SoftPromptConfig.Init.RANDOM, null), model, null,
                            new Rng(20 + k)));
                }
                int eos = 7; // rows stop at different steps, or run the budget
                DecodingOptions options = DecodingOptions.greedy(6);
                MultiPrompt rows = new MultiPrompt(prompts, new int[] {0, 1, 2});
                List<List<Generation>> batched = SharedPrefix.greedyRows(new Generator(model, rows, null, eos), contexts, 3,
                        options, true);
                for (int k = 0; k < 3; k++) {
                    List<Generation> alone = SharedPrefix.generateAll(new Generator(model, prompts.get(k), null, eos),
                            contexts, options, false);
                    for (int i = 0; i < contexts.size(); i++) {
                        String what = c + ", prompt " + k + ", context " + i;
                        assertArrayEquals(alone.get(i).ids(), batched.get(i).get(k).ids(), what);
                        assertEquals(alone.get(i).stop(), batched.get(i).get(k).stop(), what);
                        assertEquals(alone.get(i).logProb(), batched.get(i).get(k).logProb(), 1e-3, what);
                        stoppedEarly += alone.get(i).stop() == Generation.Stop.EOS ? 1 : 0;
                        all++;
                    }
                }
            } finally {
                prompts.forEach(SoftPrompt::close);
            }
        }
        assertTrue(stoppedEarly > 0 && stoppedEarly < all, "rows should stop at different steps: " + stoppedEarly
                + " of " + all + " stopped at EOS");
    }

    @Test
    void theSharedPartLeavesEveryContextATokenOfItsOwnAndAContextMustExtendIt() {
        assertEquals(2, SharedPrefix.length(List.of(new int[] {1, 2, 3}, new int[] {1, 2, 3, 4})));
        assertEquals(0, SharedPrefix.length(List.of(new int[] {1, 2}, new int[] {2, 2})));
        assertEquals(0, SharedPrefix.length(List.of(new int[] {1, 2, 3})));
        LanguageModel model = MethodModels.all().get(0).build(root, 3);
        Generator generator = new Generator(model, null, null, -1);
        try (Generator.Prefix prefix = generator.readPrefix(new int[] {5, 6, 7})) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> generator.reusing(prefix).generate(new int[] {5, 6, 8, 9}, DecodingOptions.greedy(2)));
            assertEquals("the context (4 tokens) does not extend the shared prefix of 3 tokens", e.getMessage());
        }
    }
}
