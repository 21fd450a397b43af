package dev.promptlab.analysis;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The waywardness paper's choice of γ per target text. For each target: average accuracy and F1
 * over the seeds of each γ; order the γ by mean accuracy, best first; take the first whose mean
 * F1 exceeds the threshold (0.98 in the paper), else the most accurate. Then compare with the
 * best γ = 0 prompt of the same length (the plain continuous prompt, over every target of that
 * length, since γ = 0 ignores the target except through its length and initialisation).
 *
 * <p>Ties. Means are compared after rounding to 9 decimals, so that the same figures averaged in
 * another order still tie. Among γ of equal mean accuracy the higher mean F1 comes first (at the
 * same accuracy, the prompt that reads more like its target is the better trade), then the
 * smaller γ (the lighter constraint). The threshold is strict on the rounded mean too: a mean F1
 * of exactly 0.98 does not pass.
 */
public final class WaywardSelection {
    /** The paper's F1 threshold. */
    public static final double F1_THRESHOLD = 0.98;
    private static final double ROUNDING = 1e9;

    private WaywardSelection() {}

    /** {@link #select(List, double)} with the paper's threshold. */
    public static List<WaywardChoice> select(List<WaywardRun> runs) {
        return select(runs, F1_THRESHOLD);
    }

    /**
     * The choice for every target of {@code runs}, in the order targets first appear.
     *
     * @param f1Threshold a γ passes when its mean F1 is above this, in [0, 1)
     * @throws IllegalArgumentException for an empty table, a (target, γ, seed) given twice, or a
     *     target given with two prompt lengths
     */
    public static List<WaywardChoice> select(List<WaywardRun> runs, double f1Threshold) {
        if (!(f1Threshold >= 0 && f1Threshold < 1)) {
            throw new IllegalArgumentException("F1 threshold must be in [0, 1), got " + f1Threshold);
        }
        if (runs.isEmpty()) {
            throw new IllegalArgumentException("no runs to select from");
        }
        Map<String, List<WaywardRun>> byTarget = byTarget(runs);
        Map<Integer, Double> bestPlain = bestPlainAccuracyByLength(byTarget);
        List<WaywardChoice> out = new ArrayList<>(byTarget.size());
        for (List<WaywardRun> targetRuns : byTarget.values()) {
            WaywardRun first = targetRuns.get(0);
            List<GammaMeans> ranked = ranked(targetRuns);
            GammaMeans chosen = ranked.stream().filter(g -> rounded(g.meanF1()) > rounded(f1Threshold)).findFirst()
                    .orElse(null);
            boolean passed = chosen != null;
            if (!passed) {
                chosen = ranked.get(0);
            }
            double plain = bestPlain.getOrDefault(first.promptLength(), Double.NaN);
            out.add(new WaywardChoice(first.target(), first.promptLength(), chosen, passed, plain,
                    plain - chosen.meanAccuracy()));
        }
        return out;
    }

    /**
     * The γ of one target's runs with their means over seeds, in selection order: mean accuracy
     * descending, then mean F1 descending, then γ ascending.
     */
    public static List<GammaMeans> ranked(List<WaywardRun> targetRuns) {
        Map<Double, TreeMap<Long, WaywardRun>> byGamma = new TreeMap<>();
        for (WaywardRun r : targetRuns) {
            WaywardRun before = byGamma.computeIfAbsent(r.gamma(), g -> new TreeMap<>()).put(r.seed(), r);
            if (before != null) {
                throw new IllegalArgumentException("target \"" + r.target() + "\", gamma " + r.gamma() + ", seed "
                        + r.seed() + " is given twice");
            }
        }
        List<GammaMeans> means = new ArrayList<>(byGamma.size());
        byGamma.forEach((gamma, bySeed) -> {
            double accuracy = 0;
            double f1 = 0;
            for (WaywardRun r : bySeed.values()) { // seed order: the same runs always sum alike
                accuracy += r.accuracy();
                f1 += r.f1();
            }
            int n = bySeed.size();
            means.add(new GammaMeans(gamma, n, accuracy / n, f1 / n));
        });
        means.sort(Comparator.comparingLong((GammaMeans g) -> -rounded(g.meanAccuracy()))
                .thenComparingLong(g -> -rounded(g.meanF1()))
                .thenComparingDouble(GammaMeans::gamma));
        return means;
    }

    private static Map<String, List<WaywardRun>> byTarget(List<WaywardRun> runs) {
        Map<String, List<WaywardRun>> byTarget = new LinkedHashMap<>();
        for (WaywardRun r : runs) {
            List<WaywardRun> list = byTarget.computeIfAbsent(r.target(), t -> new ArrayList<>());
            if (!list.isEmpty() && list.get(0).promptLength() != r.promptLength()) {
                throw new IllegalArgumentException("target \"" + r.target() + "\" is given with prompt lengths "
                        + list.get(0).promptLength() + " and " + r.promptLength() + "; a target has one token count");
            }
            list.add(r);
        }
        return byTarget;
    }

    /** Prompt length → the best γ = 0 mean accuracy among the targets of that length. */
    private static Map<Integer, Double> bestPlainAccuracyByLength(Map<String, List<WaywardRun>> byTarget) {
        Map<Integer, Double> best = new HashMap<>();
        for (List<WaywardRun> targetRuns : byTarget.values()) {
            for (GammaMeans g : ranked(targetRuns)) {
                if (g.gamma() == 0) {
                    best.merge(targetRuns.get(0).promptLength(), g.meanAccuracy(), Math::max);
                }
            }
        }
        return best;
    }

    private static long rounded(double mean) {
        return Math.round(mean * ROUNDING);
    }
}
