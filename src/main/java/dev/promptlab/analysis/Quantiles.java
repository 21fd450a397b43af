package dev.promptlab.analysis;

import java.util.Arrays;

/** Order statistics over repetitions (seeds), with linear interpolation between ranks as numpy's default. */
public final class Quantiles {
    private Quantiles() {}

    /** The q-quantile (q in [0, 1]) of {@code values}. */
    public static double of(double[] values, double q) {
        if (values.length == 0) {
            throw new IllegalArgumentException("no values");
        }
        if (!(q >= 0 && q <= 1)) {
            throw new IllegalArgumentException("quantile must be in [0, 1], got " + q);
        }
        double[] s = values.clone();
        Arrays.sort(s);
        double pos = q * (s.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(s.length - 1, lo + 1);
        return s[lo] + (pos - lo) * (s[hi] - s[lo]);
    }

    public static double median(double[] values) {
        return of(values, 0.5);
    }

    /** The q-quantile over rows at each column of (reps, length) curves. */
    public static double[] ofColumns(double[][] curves, double q) {
        double[] out = new double[curves[0].length];
        double[] column = new double[curves.length];
        for (int t = 0; t < out.length; t++) {
            for (int r = 0; r < curves.length; r++) {
                column[r] = curves[r][t];
            }
            out[t] = of(column, q);
        }
        return out;
    }
}
