package dev.promptlab.study;

import dev.promptlab.analysis.Quantiles;

/**
 * One cell of the study: a method on one network variant and one target, with the mean
 * cumulative regret curve of each repetition.
 *
 * @param network "lstm" or "transformer"
 * @param pretrained whether the network was meta-trained on random coins (else untrained)
 * @param target "single-coin" or "two-coin-mixture"
 * @param method the method
 * @param curves (reps, N) mean cumulative regret over the evaluation sequences at n = 1..N
 * @param prefix the hard prefix chosen (HardPT, PreBayesPT), or null
 * @param seconds wall time spent on this cell (tuning and evaluation)
 */
public record BayesResult(String network, boolean pretrained, String target, BayesMethod method, double[][] curves,
        String prefix, double seconds) {

    public int repetitions() {
        return curves.length;
    }

    /** The q-quantile over repetitions of the cumulative regret at n (1-based). */
    public double regretAt(int n, double q) {
        double[] atN = new double[curves.length];
        for (int r = 0; r < curves.length; r++) {
            atN[r] = curves[r][n - 1];
        }
        return Quantiles.of(atN, q);
    }

    /** Median over repetitions of the cumulative regret at n (1-based). */
    public double medianAt(int n) {
        return regretAt(n, 0.5);
    }

    /** The q-quantile curve over repetitions. */
    public double[] curve(double q) {
        return Quantiles.ofColumns(curves, q);
    }

    /** "lstm, pretrained" / "transformer, untrained". */
    public String variant() {
        return network + (pretrained ? ", pretrained" : ", untrained");
    }
}
