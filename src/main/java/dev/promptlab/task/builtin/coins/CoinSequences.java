package dev.promptlab.task.builtin.coins;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.promptlab.tokenize.SymbolTokenizer;

import java.util.Arrays;

/**
 * Binary sequences together with the bias of the coin that generated each one.
 *
 * <p>As network input, a sequence x_1..x_N becomes the ids [BOS, x_1, .., x_{N-1}] and the
 * targets x_1..x_N: position t reads the symbol before it and predicts x_{t+1}, and the first
 * prediction is made before any symbol is seen. BOS is the coin alphabet's id 2
 * ({@link SymbolTokenizer#coins()}); the coin networks feed it as the zero input vector and the
 * symbols 0 and 1 as one-hot vectors.
 *
 * @param tokens (count, length) symbols, each 0 or 1
 * @param pZero the generating coin's P(x = 0) for each sequence
 */
public record CoinSequences(int[][] tokens, double[] pZero) {
    /** The id that stands for the beginning of a sequence (the zero input vector). */
    public static final int BOS = SymbolTokenizer.coins().bosId();

    public CoinSequences {
        if (tokens.length == 0 || tokens.length != pZero.length) {
            throw new IllegalArgumentException("need one coin bias per sequence and at least one sequence, got "
                    + tokens.length + " sequences and " + pZero.length + " biases");
        }
        int n = tokens[0].length;
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i].length != n) {
                throw new IllegalArgumentException("sequence " + i + " has length " + tokens[i].length
                        + ", the first has " + n + " (all must be equal)");
            }
            for (int x : tokens[i]) {
                if (x != 0 && x != 1) {
                    throw new IllegalArgumentException("sequence " + i + " has symbol " + x + " (allowed: 0, 1)");
                }
            }
        }
    }

    public int count() {
        return tokens.length;
    }

    public int length() {
        return tokens[0].length;
    }

    /** Sequences {@code from} (inclusive) to {@code to} (exclusive), sharing the rows. */
    public CoinSequences slice(int from, int to) {
        return new CoinSequences(Arrays.copyOfRange(tokens, from, to), Arrays.copyOfRange(pZero, from, to));
    }

    /** The first {@code n} symbols of every sequence. */
    public CoinSequences prefix(int n) {
        if (n < 1 || n > length()) {
            throw new IllegalArgumentException("prefix length must be in [1, " + length() + "], got " + n);
        }
        int[][] cut = new int[tokens.length][];
        for (int i = 0; i < cut.length; i++) {
            cut[i] = Arrays.copyOf(tokens[i], n);
        }
        return new CoinSequences(cut, pZero.clone());
    }

    /** Network inputs (B, N) INT64: [BOS, x_1, .., x_{N-1}] per row. */
    public NDArray inputIds(NDManager manager) {
        int b = count();
        int n = length();
        long[] ids = new long[b * n];
        for (int i = 0; i < b; i++) {
            ids[i * n] = BOS;
            for (int t = 1; t < n; t++) {
                ids[i * n + t] = tokens[i][t - 1];
            }
        }
        return manager.create(ids, new Shape(b, n)); // (B, N)
    }

    /** Targets (B, N) INT64: x_1..x_N per row. */
    public NDArray targetIds(NDManager manager) {
        int b = count();
        int n = length();
        long[] ids = new long[b * n];
        for (int i = 0; i < b; i++) {
            for (int t = 0; t < n; t++) {
                ids[i * n + t] = tokens[i][t];
            }
        }
        return manager.create(ids, new Shape(b, n)); // (B, N)
    }
}
