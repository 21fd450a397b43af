package dev.promptlab.train;

import ai.djl.ndarray.NDManager;
import dev.promptlab.task.EncodedExample;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The data of K prompts trained in one batch: each prompt draws its own examples in its own
 * seeded order ({@link ExampleSampler}), and a batch is the K draws one after the other, so rows
 * [k·b, (k+1)·b) belong to prompt k (a {@code MultiPrompt} in blocks of b). Each prompt sees
 * exactly the batches a run of its own with that seed would see.
 */
public final class PromptSamplers implements BatchSource {
    private final List<ExampleSampler> samplers;
    private final int padId;

    public PromptSamplers(List<ExampleSampler> samplers, int padId) {
        if (samplers.isEmpty()) {
            throw new IllegalArgumentException("need at least one prompt's sampler");
        }
        this.samplers = List.copyOf(samplers);
        this.padId = padId;
    }

    /** K samplers over the same examples, with data seeds {@code seeds}. */
    public static PromptSamplers of(List<EncodedExample> examples, int batchSize, int padId, long[] seeds) {
        List<ExampleSampler> s = new ArrayList<>(seeds.length);
        for (long seed : seeds) {
            s.add(new ExampleSampler(examples, batchSize, padId, seed));
        }
        return new PromptSamplers(s, padId);
    }

    @Override
    public Batch next(NDManager manager) {
        List<EncodedExample> rows = new ArrayList<>();
        for (ExampleSampler s : samplers) {
            rows.addAll(s.nextRows());
        }
        return Batch.ofExamples(rows, padId, manager);
    }

    /** Prompt {@code k}'s position, as its own run's checkpoint records it. */
    public long[] state(int k) {
        return samplers.get(k).state();
    }

    @Override
    public long[] state() {
        long[] all = new long[0];
        for (ExampleSampler s : samplers) {
            long[] one = s.state();
            int at = all.length;
            all = Arrays.copyOf(all, at + one.length);
            System.arraycopy(one, 0, all, at, one.length);
        }
        return all;
    }

    @Override
    public void restore(long[] state) {
        int each = state.length / samplers.size();
        if (each * samplers.size() != state.length || each == 0) {
            throw new IllegalArgumentException("data state of " + state.length + " values does not split into "
                    + samplers.size() + " prompts' positions");
        }
        for (int k = 0; k < samplers.size(); k++) {
            samplers.get(k).restore(Arrays.copyOfRange(state, k * each, (k + 1) * each));
        }
    }
}
