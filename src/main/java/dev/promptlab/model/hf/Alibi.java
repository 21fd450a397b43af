package dev.promptlab.model.hf;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * ALiBi (Press et al. 2022) as Hugging Face's {@code build_alibi_tensor} computes it: key j gets
 * {@code slope_h · position_j} added to every query's score, position = {@code (cumsum(mask) - 1)
 * · mask} over prefix, past and new positions. Softmax ignores the per-query constant, so this
 * equals the paper's −slope · distance.
 */
public final class Alibi {
    private final float[] slopes;

    public Alibi(int heads) {
        this.slopes = slopes(heads);
    }

    /**
     * The slopes of {@code heads} heads (in float32, as HF): with n the largest power of two <=
     * heads, slope i = (2^(-8/n))^(i+1) for i < n, then (2^(-4/n))^(1, 3, 5, ...) for the rest.
     */
    public static float[] slopes(int heads) {
        int n = Integer.highestOneBit(heads);
        float base = (float) Math.pow(2, -8.0 / n);
        float extraBase = (float) Math.pow(2, -4.0 / n);
        float[] s = new float[heads];
        for (int i = 0; i < heads; i++) {
            s[i] = i < n ? (float) Math.pow(base, i + 1) : (float) Math.pow(extraBase, 2 * (i - n) + 1);
        }
        return s;
    }

    /**
     * The bias of one forward pass, (B, H, 1, S) with a padding mask, else (1, H, 1, S): every row
     * then has the same positions. Padding positions get 0, as HF's {@code · mask}.
     */
    public NDArray bias(CausalAttention pass) {
        long[] pos = pass.maskPositions(); // (B·S), -1 at padding
        int s = pass.total();
        int rows = pass.masked() ? pass.batchSize() : 1;
        int nh = slopes.length;
        float[] a = new float[rows * nh * s];
        for (int r = 0; r < rows; r++) {
            for (int h = 0; h < nh; h++) {
                for (int j = 0; j < s; j++) {
                    a[(r * nh + h) * s + j] = slopes[h] * Math.max(0, pos[r * s + j]);
                }
            }
        }
        return pass.manager().create(a, new Shape(rows, nh, 1, s)); // (B|1, H, 1, S)
    }
}
