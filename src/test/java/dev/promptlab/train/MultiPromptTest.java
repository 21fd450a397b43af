package dev.promptlab.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.promptlab.adapt.InputPrefix;
import dev.promptlab.adapt.InputPrefixConfig;
import dev.promptlab.adapt.MultiPrompt;
import dev.promptlab.model.CoinModels;
import dev.promptlab.model.InputVectorModel;
import dev.promptlab.task.builtin.coins.CoinSequences;
import dev.promptlab.task.builtin.coins.CoinMixture;
import dev.promptlab.tensor.Rng;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Multi-prompt batching: K prompts trained in one batch end where K separate runs end. */
class MultiPromptTest {
    /** A fixed list of per-step sequences, as a batch source (prompt blocks concatenated). */
    private static BatchSource fixed(List<List<CoinSequences>> perPrompt) {
        return new BatchSource() {
            private int step;

            @Override
            public Batch next(NDManager m) {
                NDList ids = new NDList();
                NDList targets = new NDList();
                for (List<CoinSequences> prompt : perPrompt) {
                    ids.add(prompt.get(step).inputIds(m));
                    targets.add(prompt.get(step).targetIds(m));
                }
                step++;
                NDArray x = NDArrays.concat(ids, 0); // (K·b, N)
                return new Batch(x, NDArrays.concat(targets, 0), m.ones(x.getShape()));
            }

            @Override
            public long[] state() {
                return new long[] {step};
            }

            @Override
            public void restore(long[] state) {
                step = (int) state[0];
            }
        };
    }

    /** Clipping far below the gradient norms, so a shared (global) clip would couple the prompts. */
    private static TrainConfig config(int steps) {
        return new TrainConfig(steps, 8, 0.05, 0, 0, 0.002, 0, 1, 0);
    }

    @Test
    void batchedPromptsFollowTheirSeparateRunsEvenWhenClipped() {
        int steps = 6;
        try (NDManager m = NDManager.newBaseManager()) {
            InputVectorModel model = CoinModels.init("transformer", 16, 2, 32, 64, m, new Rng(1));
            Rng data = new Rng(2);
            List<List<CoinSequences>> perPrompt = new ArrayList<>();
            for (int k = 0; k < 2; k++) {
                List<CoinSequences> s = new ArrayList<>();
                for (int i = 0; i < steps; i++) {
                    s.add(CoinMixture.even(0.2, 0.8).sample(4, 10, data));
                }
                perPrompt.add(s);
            }
            InputPrefixConfig config = new InputPrefixConfig(3, InputPrefix.Space.SIMPLEX, 1);
            Rng init = new Rng(3);
            List<InputPrefix> batched = List.of(InputPrefix.create(config, model, init), InputPrefix.create(config, model, init));
            List<InputPrefix> alone = new ArrayList<>();
            for (InputPrefix p : batched) {
                alone.add(InputPrefix.of(config, p.values(), model));
            }
            MultiPrompt batch = MultiPrompt.blocks(batched, 4);
            List<Double> norms = new ArrayList<>();
            new Trainer(config(steps), batch.parameters(), new SummedSequenceLoss(model, batch, 2), fixed(perPrompt), m)
                    .withSchedule(s -> 0.05).clipPerPrompt(batch.groups()).addListener((info, t) -> norms.add(info.gradNorm()))
                    .run();
            assertTrue(norms.stream().allMatch(n -> n > 0.002), "clipping must be active: " + norms);
            for (int k = 0; k < 2; k++) {
                InputPrefix one = alone.get(k);
                new Trainer(config(steps), one.parameters(), new SummedSequenceLoss(model, one, 1),
                        fixed(List.of(perPrompt.get(k))), m).withSchedule(s -> 0.05).run();
                assertArrayEquals(one.values().toFloatArray(), batched.get(k).values().toFloatArray(), 2e-5f, "prompt " + k);
                assertFalse(java.util.Arrays.equals(one.values().toFloatArray(), alone.get(1 - k).values().toFloatArray()));
            }
        }
    }
}
