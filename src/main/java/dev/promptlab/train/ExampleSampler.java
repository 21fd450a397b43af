package dev.promptlab.train;

import ai.djl.ndarray.NDManager;
import dev.promptlab.task.EncodedExample;
import dev.promptlab.tensor.Rng;

import java.util.ArrayList;
import java.util.List;

/**
 * Epochs over encoded examples in a seeded random order; a batch that crosses an epoch boundary
 * continues in the next permutation. The state is the RNG state at the start of the current
 * epoch plus the cursor, so a resumed run sees exactly the batches it would have seen.
 */
public final class ExampleSampler implements BatchSource {
    private final List<EncodedExample> examples;
    private final int batchSize;
    private final int padId;
    private final Rng rng;
    private long epochStartState;
    private int[] order;
    private int cursor;

    public ExampleSampler(List<EncodedExample> examples, int batchSize, int padId, long seed) {
        if (examples.isEmpty()) {
            throw new IllegalArgumentException("no training examples");
        }
        this.examples = examples;
        this.batchSize = batchSize;
        this.padId = padId;
        this.rng = new Rng(seed);
        newEpoch();
    }

    private void newEpoch() {
        epochStartState = rng.state();
        order = rng.permutation(examples.size());
        cursor = 0;
    }

    @Override
    public Batch next(NDManager manager) {
        return Batch.ofExamples(nextRows(), padId, manager);
    }

    /** The next batch's examples, in order. */
    public List<EncodedExample> nextRows() {
        List<EncodedExample> rows = new ArrayList<>(batchSize);
        while (rows.size() < batchSize) {
            if (cursor == order.length) {
                newEpoch();
            }
            rows.add(examples.get(order[cursor++]));
        }
        return rows;
    }

    @Override
    public long[] state() {
        return new long[] {epochStartState, cursor};
    }

    @Override
    public void restore(long[] state) {
        rng.restore(state[0]);
        newEpoch();
        cursor = (int) state[1];
    }
}
