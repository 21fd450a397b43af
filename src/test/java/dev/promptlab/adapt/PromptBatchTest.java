package dev.promptlab.adapt;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.promptlab.model.LanguageModel;
import dev.promptlab.task.EncodedExample;
import dev.promptlab.tensor.Rng;
import dev.promptlab.train.AdapterObjective;
import dev.promptlab.train.ExampleSampler;
import dev.promptlab.train.PromptBatch;
import dev.promptlab.train.PromptTerm;
import dev.promptlab.train.TargetDistance;
import dev.promptlab.train.TrainConfig;
import dev.promptlab.train.Trainer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static dev.promptlab.TestArrays.assertMaxRelativeDifference;
import static org.junit.jupiter.api.Assertions.*;

/**
 * K prompts trained in one batch end where each ends trained alone with the same seed and data
 * order, for every prompt family; an extra term pulls only its own prompt.
 */
class PromptBatchTest extends AdapterTestBase {
    private static final long[] SEEDS = {1, 10, 100};

    /** Examples of varied lengths, so batches pad differently when prompts are batched together. */
    private static List<EncodedExample> examples() {
        Rng rng = new Rng(5);
        List<EncodedExample> out = new ArrayList<>();
        for (int i = 0; i < 13; i++) {
            int[] context = new int[3 + rng.nextInt(6)];
            int[] target = new int[1 + rng.nextInt(3)];
            for (int j = 0; j < context.length; j++) {
                context[j] = 2 + rng.nextInt(MethodModels.VOCAB - 2);
            }
            for (int j = 0; j < target.length; j++) {
                target[j] = 2 + rng.nextInt(MethodModels.VOCAB - 2);
            }
            out.add(new EncodedExample(context, target));
        }
        return out;
    }

    /** Clipping well below the gradient norms, so a clip shared by the prompts would couple them. */
    private static TrainConfig config() {
        return new TrainConfig(8, 4, 0.05, 0, 0.01, 0.05, 0, 1, 0);
    }

    private static List<MethodConfig> families() {
        return List.of(new SoftPromptConfig(3, SoftPromptConfig.Init.RANDOM, null),
                new PTuningConfig(3, PTuningConfig.Encoder.MLP, 8),
                new PrefixConfig(2, false, 0),
                new PrefixConfig(2, true, 8));
    }

    @Test
    void batchedPromptsEndWhereTheirSeparateRunsEnd() {
        batchedPromptsEndWhereTheirSeparateRunsEnd(AdapterObjective.PART_TOKENS);
    }

    /** One part per prompt: each prompt's forward and backward apart, summed into one step. */
    @Test
    void promptsTrainedInPartsEndWhereTheirSeparateRunsEnd() {
        batchedPromptsEndWhereTheirSeparateRunsEnd(1);
    }

    private void batchedPromptsEndWhereTheirSeparateRunsEnd(long partTokens) {
        for (MethodModels.Case c : List.of(MethodModels.all().get(0), MethodModels.all().get(3))) { // gpt, llama (GQA)
            try (LanguageModel model = c.build(root, 1)) {
                for (MethodConfig family : families()) {
                    List<Adapter> batched = new ArrayList<>();
                    List<PromptBatch.Member> members = new ArrayList<>();
                    for (long seed : SEEDS) {
                        Adapter a = family.create(model, null, new Rng(seed));
                        batched.add(a);
                        members.add(new PromptBatch.Member(a, seed + 1, null));
                    }
                    PromptBatch batch = new PromptBatch(model, members, examples(), 0, config(), partTokens);
                    List<Double> norms = new ArrayList<>();
                    batch.trainer().addListener((info, t) -> norms.add(info.gradNorm())).run();
                    assertTrue(norms.stream().allMatch(n -> n > config().gradClip()), "clipping must act: " + norms);
                    for (int k = 0; k < SEEDS.length; k++) {
                        try (Adapter alone = family.create(model, null, new Rng(SEEDS[k]))) {
                            Trainer t = new Trainer(config(), alone.parameters(), new AdapterObjective(model, alone),
                                    new ExampleSampler(examples(), config().batchSize(), 0, SEEDS[k] + 1), root);
                            t.run();
                            String what = c + " " + family + " seed " + SEEDS[k];
                            assertMaxRelativeDifference(alone.parameters(), batched.get(k).parameters(), 1e-4, what);
                            assertEquals(t.lastLoss(), batch.lastLoss(k), 1e-4 * Math.abs(t.lastLoss()), what);
                        }
                    }
                    assertFalse(Arrays.equals(flat(batched.get(0).parameters()), flat(batched.get(1).parameters())));
                    batched.forEach(Adapter::close);
                }
            }
        }
    }

    @Test
    void aZeroWeightTermChangesNothingAndATermPullsOnlyItsOwnPrompt() {
        try (LanguageModel model = MethodModels.all().get(0).build(root, 2)) {
            SoftPromptConfig family = new SoftPromptConfig(3, SoftPromptConfig.Init.RANDOM, null);
            NDArray target0 = root.create(new Rng(7).gaussians(3 * 16, 1), new Shape(3, 16)); // (L, C)
            NDArray target1 = root.create(new Rng(8).gaussians(3 * 16, 1), new Shape(3, 16)); // (L, C)
            List<float[]> free = train(model, family, null, null);
            assertNull(TargetDistance.of(0, target0), "γ = 0 leaves the objective as it is");
            List<float[]> pulled = train(model, family, TargetDistance.of(3.0, target0), null);
            assertArrayEquals(free.get(1), pulled.get(1), 1e-6f, "prompt 1 has no term: another prompt's term moves it not");
            double freeDistance = distance(free.get(0), target0.toFloatArray());
            double pulledDistance = distance(pulled.get(0), target0.toFloatArray());
            assertTrue(pulledDistance < 0.5 * freeDistance, "γ > 0 pulls prompt 0 to its target: " + pulledDistance
                    + " vs " + freeDistance);
            List<float[]> both = train(model, family, TargetDistance.of(3.0, target0), TargetDistance.of(3.0, target1));
            assertArrayEquals(pulled.get(0), both.get(0), 1e-6f, "prompt 1's term does not reach prompt 0");
            List<float[]> inParts = train(model, family, TargetDistance.of(3.0, target0), TargetDistance.of(3.0, target1), 1);
            for (int k = 0; k < 2; k++) {
                assertArrayEquals(both.get(k), inParts.get(k), 1e-4f, "prompt " + k + " with its term, trained in parts");
            }
            assertTrue(distance(both.get(1), target1.toFloatArray()) < 0.5 * distance(free.get(1), target1.toFloatArray()));
            assertTrue(distance(both.get(0), target1.toFloatArray()) > distance(both.get(1), target1.toFloatArray()),
                    "each prompt goes to its own target");
        }
    }

    /** Two prompts (seeds 1 and 10) trained in one batch with the given terms; their final values. */
    private List<float[]> train(LanguageModel model, MethodConfig family, PromptTerm term0, PromptTerm term1) {
        return train(model, family, term0, term1, AdapterObjective.PART_TOKENS);
    }

    private List<float[]> train(LanguageModel model, MethodConfig family, PromptTerm term0, PromptTerm term1,
            long partTokens) {
        Adapter a = family.create(model, null, new Rng(1));
        Adapter b = family.create(model, null, new Rng(10));
        try (a; b) {
            TrainConfig steps = new TrainConfig(30, 4, 0.05, 0, 0, 1.0, 0, 1, 0);
            new PromptBatch(model, List.of(new PromptBatch.Member(a, 2, term0), new PromptBatch.Member(b, 11, term1)),
                    examples(), 0, steps, partTokens).trainer().run();
            return List.of(flat(a.parameters()), flat(b.parameters()));
        }
    }

    private static double distance(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (a[i] - b[i]) * (a[i] - b[i]);
        }
        return s;
    }

    private static float[] flat(Map<String, NDArray> params) {
        List<Float> all = new ArrayList<>();
        for (NDArray p : params.values()) {
            for (float v : p.toFloatArray()) {
                all.add(v);
            }
        }
        float[] out = new float[all.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = all.get(i);
        }
        return out;
    }
}
