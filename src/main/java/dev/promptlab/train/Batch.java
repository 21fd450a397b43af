package dev.promptlab.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.promptlab.task.EncodedExample;

import java.util.List;

/**
 * A right-padded batch for next-token training: position t reads {@code ids[t]} and predicts
 * {@code targets[t]}; {@code lossMask[t]} is 1 where that target is an output token. Right
 * padding needs no attention mask in a causal model: real positions never see the padding.
 *
 * @param ids (B, T) INT64 inputs
 * @param targets (B, T) INT64 next tokens
 * @param lossMask (B, T) FLOAT32, 1 on counted positions
 */
public record Batch(NDArray ids, NDArray targets, NDArray lossMask) {

    /** Sequences of context + target; only target tokens are counted. */
    public static Batch ofExamples(List<EncodedExample> examples, int padId, NDManager manager) {
        int t = 0;
        for (EncodedExample e : examples) {
            t = Math.max(t, e.length() - 1);
        }
        int b = examples.size();
        long[] ids = new long[b * t];
        long[] targets = new long[b * t];
        float[] mask = new float[b * t];
        java.util.Arrays.fill(ids, padId);
        java.util.Arrays.fill(targets, padId);
        for (int row = 0; row < b; row++) {
            EncodedExample e = examples.get(row);
            int[] seq = concat(e.context(), e.target());
            for (int i = 0; i < seq.length - 1; i++) {
                ids[row * t + i] = seq[i];
                targets[row * t + i] = seq[i + 1];
                mask[row * t + i] = (i + 1 >= e.context().length) ? 1f : 0f;
            }
        }
        return of(ids, targets, mask, b, t, manager);
    }

    /** Plain language-model windows: every next token counts. {@code windows[i]} has T+1 tokens. */
    public static Batch ofWindows(int[][] windows, NDManager manager) {
        int b = windows.length;
        int t = windows[0].length - 1;
        long[] ids = new long[b * t];
        long[] targets = new long[b * t];
        float[] mask = new float[b * t];
        for (int row = 0; row < b; row++) {
            for (int i = 0; i < t; i++) {
                ids[row * t + i] = windows[row][i];
                targets[row * t + i] = windows[row][i + 1];
                mask[row * t + i] = 1f;
            }
        }
        return of(ids, targets, mask, b, t, manager);
    }

    private static Batch of(long[] ids, long[] targets, float[] mask, int b, int t, NDManager manager) {
        Shape shape = new Shape(b, t);
        return new Batch(manager.create(ids, shape), manager.create(targets, shape), manager.create(mask, shape));
    }

    /** The batch copied out of the engine once, to cut into parts of rows ({@link Host#rows}). */
    public Host onHost() {
        return new Host(ids.toLongArray(), targets.toLongArray(), lossMask.toFloatArray(), size(), length());
    }

    /**
     * A batch's arrays on the Java side, row-major (size × length).
     *
     * @param ids (B·T) inputs
     * @param targets (B·T) next tokens
     * @param mask (B·T) 1 on counted positions
     */
    public record Host(long[] ids, long[] targets, float[] mask, int size, int length) {
        /**
         * Rows [from, to) as a batch of their own in {@code manager}, cut after the last column any
         * of them counts: later columns are padding for these rows, and in a causal model they
         * change nothing before them, so the part's loss and gradients are exactly its rows' share
         * of the whole's.
         */
        public Batch rows(int from, int to, NDManager manager) {
            if (from < 0 || to > size || from >= to) {
                throw new IllegalArgumentException("rows [" + from + ", " + to + ") of a batch of " + size);
            }
            int t = length;
            int used = 1;
            for (int i = from * t; i < to * t; i++) {
                if (mask[i] != 0) {
                    used = Math.max(used, i % t + 1);
                }
            }
            int b = to - from;
            long[] partIds = new long[b * used];
            long[] partTargets = new long[b * used];
            float[] partMask = new float[b * used];
            for (int row = 0; row < b; row++) {
                int src = (from + row) * t;
                System.arraycopy(ids, src, partIds, row * used, used);
                System.arraycopy(targets, src, partTargets, row * used, used);
                System.arraycopy(mask, src, partMask, row * used, used);
            }
            return of(partIds, partTargets, partMask, b, used, manager);
        }
    }

    static int[] concat(int[] a, int[] b) {
        int[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    public int size() {
        return (int) ids.getShape().get(0);
    }

    public int length() {
        return (int) ids.getShape().get(1);
    }
}
