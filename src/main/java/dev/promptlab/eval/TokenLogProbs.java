package dev.promptlab.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.promptlab.adapt.Adapter;
import dev.promptlab.model.LanguageModel;
import dev.promptlab.train.AdapterObjective;
import dev.promptlab.train.Losses;

import java.util.Arrays;

/**
 * Natural-log probability of every token of a sequence given the tokens before it (and the
 * adapter's prompt), in one forward pass without gradients.
 */
public final class TokenLogProbs {
    private final LanguageModel model;
    private final Adapter adapter;

    public TokenLogProbs(LanguageModel model, Adapter adapter) {
        this.model = model;
        this.adapter = adapter;
    }

    /** {@code out[i]} = log p(ids[i] | ids[..i]) for i ≥ 1; {@code out[0]} is NaN (nothing precedes it). */
    public double[] of(int[] ids) {
        int virtual = adapter == null ? 0 : adapter.contextPositions();
        if (ids.length + virtual > model.config().contextLength()) {
            throw new IllegalArgumentException("the text has " + ids.length + " tokens"
                    + (virtual > 0 ? " (+" + virtual + " prompt)" : "") + " but the model reads at most "
                    + model.config().contextLength());
        }
        double[] out = new double[ids.length];
        out[0] = Double.NaN;
        if (ids.length == 1) {
            return out;
        }
        try (NDManager scope = model.manager().newSubManager()) {
            long[] all = Arrays.stream(ids).asLongStream().toArray();
            NDArray input = scope.create(Arrays.copyOf(all, all.length - 1), new Shape(1, all.length - 1)); // (1, T-1)
            NDArray targets = scope.create(Arrays.copyOfRange(all, 1, all.length), new Shape(1, all.length - 1)); // (1, T-1)
            NDArray logits = AdapterObjective.logits(model, adapter, input); // (1, T-1, V)
            float[] nll = Losses.tokenNll(logits, targets).toFloatArray(); // (T-1)
            for (int i = 1; i < ids.length; i++) {
                out[i] = -nll[i - 1];
            }
        }
        return out;
    }
}
