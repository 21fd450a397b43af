package dev.promptlab.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.promptlab.adapt.Adapter;
import dev.promptlab.model.DecodingState;
import dev.promptlab.model.LanguageModel;
import dev.promptlab.model.LowRank;
import dev.promptlab.model.ModelInput;
import dev.promptlab.model.ModelOutput;

import java.util.Map;

/**
 * The output layer only where it is read. Training reads the logits of the output tokens and
 * label scoring those of a few positions, yet the vocabulary projection and its log-softmax over
 * every position of every row cost more than the rest of a small model (B·T·V values). So the
 * model runs without its output layer ({@link ModelInput#withLogits}), and the output layer and
 * log-softmax are applied to the chosen hidden rows only.
 */
public final class OutputPositions {
    private final LanguageModel model;
    private final NDArray hidden; // (B·S, C) final hidden states, rows flattened
    private final Map<String, LowRank> lowRank;
    private final int length; // S: positions per row, virtual ones included
    private final int offset; // virtual positions before the batch's own tokens

    private OutputPositions(LanguageModel model, NDArray hidden, Map<String, LowRank> lowRank, int length, int offset) {
        this.model = model;
        this.hidden = hidden;
        this.lowRank = lowRank;
        this.length = length;
        this.offset = offset;
    }

    /**
     * Runs {@code ids} (B, T) through the model with the adapter (or none) up to the final hidden
     * states; {@code training} adds what only training does (LoRA dropout).
     */
    public static OutputPositions forward(LanguageModel model, Adapter adapter, NDArray ids, boolean training) {
        return forward(model, adapter, ids, null, training);
    }

    /**
     * As {@link #forward(LanguageModel, Adapter, NDArray, boolean)}, continuing from {@code past}
     * (a decoding state with B rows, or null): the adapter's virtual tokens are then in the state,
     * not in front of {@code ids}.
     */
    public static OutputPositions forward(LanguageModel model, Adapter adapter, NDArray ids, DecodingState past,
            boolean training) {
        ModelInput input = ModelInput.ofIds(ids); // (B, T)
        if (past != null) {
            input = input.withPast(past);
        }
        if (adapter != null) {
            input = training ? adapter.applyTraining(input, model) : adapter.apply(input, model);
        }
        input = input.withLogits(false);
        ModelOutput out = model.forward(input);
        NDArray h = out.hidden(); // (B, S, C)
        long[] s = h.getShape().getShape();
        // S - T virtual positions precede the batch's own tokens (none when they sit in the past state)
        int virtual = (int) (s[1] - ids.getShape().get(1));
        return new OutputPositions(model, h.reshape(s[0] * s[1], s[2]), input.lowRank(), (int) s[1], virtual);
    }

    /**
     * Log-probabilities (N, V) at positions {@code (rows[i], columns[i])}, columns counted in the
     * batch's own tokens (virtual positions excluded).
     */
    public NDArray logProbs(int[] rows, int[] columns) {
        NDManager scope = hidden.getManager();
        long[] flat = new long[rows.length];
        for (int i = 0; i < rows.length; i++) {
            flat[i] = (long) rows[i] * length + offset + columns[i];
        }
        NDArray picked = hidden.get(scope.create(flat)); // (N, C)
        return model.logitsOf(picked, lowRank).logSoftmax(1); // (N, V)
    }

    /** The negative log-likelihood (N) of {@code targets[i]} at position {@code (rows[i], columns[i])}. */
    public NDArray nll(int[] rows, int[] columns, long[] targets) {
        NDArray logProbs = logProbs(rows, columns); // (N, V)
        NDArray index = logProbs.getManager().create(targets).expandDims(1); // (N, 1)
        return logProbs.gather(index, 1).squeeze(1).neg(); // (N)
    }

    /**
     * The positions a batch's loss reads: where its loss mask is 1, in row-major order.
     *
     * @param rows each position's batch row
     * @param columns each position's column among the row's own tokens
     * @param ids the target token at each position
     */
    public record Targets(int[] rows, int[] columns, long[] ids) {
        public static Targets of(Batch batch) {
            int t = batch.length();
            float[] mask = batch.lossMask().toFloatArray();
            long[] all = batch.targets().toLongArray();
            int n = 0;
            for (float m : mask) {
                n += m != 0 ? 1 : 0;
            }
            int[] rows = new int[n];
            int[] columns = new int[n];
            long[] ids = new long[n];
            for (int i = 0, j = 0; i < mask.length; i++) {
                if (mask[i] != 0) {
                    rows[j] = i / t;
                    columns[j] = i % t;
                    ids[j++] = all[i];
                }
            }
            return new Targets(rows, columns, ids);
        }

        public int size() {
            return ids.length;
        }
    }

    /** The negative log-likelihood (N) of the batch's targets. */
    public NDArray nll(Targets targets) {
        return nll(targets.rows(), targets.columns(), targets.ids());
    }
}
