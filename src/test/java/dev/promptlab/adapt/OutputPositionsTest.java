package dev.promptlab.adapt;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.promptlab.model.LanguageModel;
import dev.promptlab.task.EncodedExample;
import dev.promptlab.tensor.Rng;
import dev.promptlab.train.AdapterObjective;
import dev.promptlab.train.Batch;
import dev.promptlab.train.Losses;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The training loss computed with the output layer at the output tokens only equals the loss
 * over full-vocabulary logits at every position, and so do its gradients, on every architecture.
 */
class OutputPositionsTest extends AdapterTestBase {
    private static final List<EncodedExample> ROWS = List.of(new EncodedExample(new int[] {3, 4, 5, 6}, new int[] {7, 8}),
            new EncodedExample(new int[] {9, 10}, new int[] {11}),
            new EncodedExample(new int[] {12, 13, 14, 15, 16, 17}, new int[] {18, 19, 20}));

    @Test
    void outputTokensOnlyGiveTheFullLossAndGradients() {
        for (MethodModels.Case c : MethodModels.all()) {
            try (LanguageModel model = c.build(root, 3)) {
                Map<String, Function<LanguageModel, Adapter>> adapters = new LinkedHashMap<>();
                adapters.put("soft prompt", m -> SoftPrompt.create(new SoftPromptConfig(3, SoftPromptConfig.Init.RANDOM,
                        null), m, null, new Rng(4)));
                adapters.put("prefix", m -> PrefixTuning.create(new PrefixConfig(2, false, 0), m, new Rng(5)));
                adapters.put("lora", m -> {
                    Lora lora = Lora.create(new LoraConfig(2, 4, 0, List.of()), m, new Rng(6));
                    lora.parameters().values().forEach(p -> p.addi(0.1f)); // B = 0 would hide the addition
                    return lora;
                });
                for (Map.Entry<String, Function<LanguageModel, Adapter>> e : adapters.entrySet()) {
                    try (Adapter adapter = e.getValue().apply(model)) {
                        String what = c + " " + e.getKey();
                        Map<String, float[]> fast = lossAndGradients(adapter, batch -> new AdapterObjective(model, adapter)
                                .loss(batch));
                        Map<String, float[]> full = lossAndGradients(adapter, batch -> Losses.maskedMeanNll(
                                AdapterObjective.logits(model, adapter, batch.ids(), true), batch.targets(), batch.lossMask()));
                        assertEquals(full.get("loss")[0], fast.get("loss")[0], 1e-5 * Math.abs(full.get("loss")[0]), what);
                        for (String name : full.keySet()) {
                            assertArrayEquals(full.get(name), fast.get(name), 1e-5f, what + " gradient of " + name);
                        }
                        assertTrue(full.size() > 1, what + " has gradients to compare");
                    }
                }
            }
        }
    }

    /** The loss ("loss") and the gradient of each adapter parameter, for one padded batch of ROWS. */
    private Map<String, float[]> lossAndGradients(Adapter adapter, Function<Batch, NDArray> loss) {
        Map<String, float[]> out = new LinkedHashMap<>();
        try (NDManager scope = root.newSubManager()) {
            Batch batch = Batch.ofExamples(ROWS, 0, scope);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray value = loss.apply(batch);
                out.put("loss", new float[] {value.getFloat()});
                gc.backward(value);
            }
            for (Map.Entry<String, NDArray> p : adapter.parameters().entrySet()) {
                NDArray g = p.getValue().getGradient();
                out.put(p.getKey(), g.toFloatArray());
                g.subi(g); // the next backward starts from zero
                g.close();
            }
        }
        return out;
    }
}
