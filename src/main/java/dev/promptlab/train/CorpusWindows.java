package dev.promptlab.train;

import ai.djl.ndarray.NDManager;
import dev.promptlab.tensor.Rng;

/**
 * Language-model pretraining batches: windows of T+1 consecutive tokens drawn at random offsets
 * of one token stream (documents joined by their BOS/EOS markers), every next token counted.
 */
public final class CorpusWindows implements BatchSource {
    private final int[] stream;
    private final int batchSize;
    private final int window;
    private final Rng rng;

    /** {@code length} is T, the number of predicted positions per window. */
    public CorpusWindows(int[] stream, int batchSize, int length, long seed) {
        if (stream.length < 2) {
            throw new IllegalArgumentException("the corpus has " + stream.length + " tokens; need at least 2");
        }
        this.stream = stream;
        this.batchSize = batchSize;
        this.window = Math.min(length + 1, stream.length);
        this.rng = new Rng(seed);
    }

    @Override
    public Batch next(NDManager manager) {
        int[][] windows = new int[batchSize][];
        for (int i = 0; i < batchSize; i++) {
            int start = rng.nextInt(stream.length - window + 1);
            windows[i] = java.util.Arrays.copyOfRange(stream, start, start + window);
        }
        return Batch.ofWindows(windows, manager);
    }

    @Override
    public long[] state() {
        return new long[] {rng.state()};
    }

    @Override
    public void restore(long[] state) {
        rng.restore(state[0]);
    }
}
