package dev.promptlab.study;

import dev.promptlab.analysis.TargetKind;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;

/**
 * The waywardness paper's findings next to what a run measured (docs/papers/waywardness.md,
 * "Findings to reproduce"), each with a verdict. A selected prompt is <em>wayward</em> when its
 * mean F1 passes the threshold and its accuracy is within {@value #TOLERANCE_POINTS} points of
 * the best γ = 0 prompt of its length.
 */
final class WaywardFindings {
    /** The paper's "within about 2 %" of the best, in accuracy points. */
    static final double TOLERANCE_POINTS = 2;
    private static final double TOLERANCE = TOLERANCE_POINTS / 100;
    /** Gaps that differ by less than this (one accuracy point) are not told apart. */
    static final double RESOLUTION = 0.01;

    private final WaywardStudy.Outcome outcome;
    private final List<WaywardSelected> compared; // selected prompts with a γ = 0 baseline

    WaywardFindings(WaywardStudy.Outcome outcome) {
        this.outcome = outcome;
        this.compared = outcome.selected().stream().filter(s -> !Double.isNaN(s.gap())).toList();
    }

    /** Whether a selected prompt reads as its target at (almost) no cost in accuracy. */
    static boolean wayward(WaywardSelected s) {
        return s.meetsThreshold() && s.gap() <= TOLERANCE;
    }

    /** Findings 1 to 6 of the spec, in order. */
    List<Finding> all() {
        return List.of(mostTargets(), everyKind(), tradeOff(), size(), length(), projected());
    }

    private Finding mostTargets() {
        String claim = "For most (task, target) pairs a γ gives a prompt that projects onto the target (mean F1 > 0.98)"
                + " with accuracy within about 2 points of the best γ = 0 prompt of the same length.";
        if (compared.isEmpty()) {
            return new Finding(claim, "no target had a γ = 0 baseline", Finding.Verdict.NOT_MEASURED);
        }
        long wayward = compared.stream().filter(WaywardFindings::wayward).count();
        long passing = compared.stream().filter(WaywardSelected::meetsThreshold).count();
        String measured = String.format("%d of %d targets (over models and tasks) are wayward; %d reach F1 > 0.98;"
                + " median gap %.1f points, mean %.1f.", wayward, compared.size(), passing,
                100 * median(compared, WaywardSelected::gap), 100 * mean(compared, WaywardSelected::gap));
        return new Finding(claim, measured, share(wayward, compared.size()));
    }

    private Finding everyKind() {
        String claim = "It holds for every kind of target, the definition of a contradictory task included.";
        Map<TargetKind, List<WaywardSelected>> byKind = byKind(compared);
        if (byKind.size() < 2) {
            return new Finding(claim, "the run has " + byKind.size() + " target kind(s)", Finding.Verdict.NOT_MEASURED);
        }
        List<String> parts = new ArrayList<>();
        int agreeing = 0;
        for (Map.Entry<TargetKind, List<WaywardSelected>> e : byKind.entrySet()) {
            long w = e.getValue().stream().filter(WaywardFindings::wayward).count();
            parts.add(String.format("%s %d of %d (mean gap %.1f points, F1 %.2f)", WaywardRow.kindName(e.getKey()), w,
                    e.getValue().size(), 100 * mean(e.getValue(), WaywardSelected::gap),
                    mean(e.getValue(), WaywardSelected::f1)));
            agreeing += 2 * w >= e.getValue().size() ? 1 : 0;
        }
        Finding.Verdict v = agreeing == byKind.size() ? Finding.Verdict.AGREES
                : agreeing > 0 ? Finding.Verdict.PARTLY : Finding.Verdict.DISAGREES;
        return new Finding(claim, "wayward targets per kind: " + String.join("; ", parts) + ".", v);
    }

    private Finding tradeOff() {
        String claim = "Accuracy against F1 over the γ grid is a trade-off: as γ grows F1 rises towards 1 and accuracy"
                + " falls.";
        List<Double> gammas = outcome.runs().stream().map(WaywardRow::gamma).distinct().sorted().toList();
        if (gammas.size() < 2) {
            return new Finding(claim, "the run has one γ", Finding.Verdict.NOT_MEASURED);
        }
        double lo = gammas.get(0);
        double hi = gammas.get(gammas.size() - 1);
        List<WaywardRow> atLo = outcome.runs().stream().filter(r -> r.gamma() == lo).toList();
        List<WaywardRow> atHi = outcome.runs().stream().filter(r -> r.gamma() == hi).toList();
        double f1Lo = mean(atLo, WaywardRow::f1);
        double f1Hi = mean(atHi, WaywardRow::f1);
        double accLo = mean(atLo, WaywardRow::accuracy);
        double accHi = mean(atHi, WaywardRow::accuracy);
        String measured = String.format("from γ = %s to γ = %s, mean F1 %.2f → %.2f and mean accuracy %.3f → %.3f"
                + " (over every model, task, target and seed).", WaywardReport.gamma(lo), WaywardReport.gamma(hi), f1Lo,
                f1Hi, accLo, accHi);
        boolean f1Rises = f1Hi > f1Lo;
        boolean accFalls = accHi < accLo;
        return new Finding(claim, measured, f1Rises && accFalls ? Finding.Verdict.AGREES
                : f1Rises || accFalls ? Finding.Verdict.PARTLY : Finding.Verdict.DISAGREES);
    }

    private Finding size() {
        String claim = "Larger models are more wayward: at the selected γ the gap to the γ = 0 prompt shrinks and F1"
                + " does not drop.";
        List<WaywardModel> models = outcome.models().stream().sorted(Comparator.comparingLong(WaywardModel::parameters))
                .toList();
        if (models.size() < 2) {
            return new Finding(claim, "the run has one model", Finding.Verdict.NOT_MEASURED);
        }
        List<String> parts = new ArrayList<>();
        double[] gaps = new double[models.size()];
        double[] f1s = new double[models.size()];
        for (int i = 0; i < models.size(); i++) {
            String ref = models.get(i).ref();
            List<WaywardSelected> own = compared.stream().filter(s -> s.model().equals(ref)).toList();
            gaps[i] = mean(own, WaywardSelected::gap);
            f1s[i] = mean(own, WaywardSelected::f1);
            parts.add(String.format("%s (%.1fM) gap %.1f points, F1 %.2f", ref, models.get(i).parameters() / 1e6,
                    100 * gaps[i], f1s[i]));
        }
        boolean gapShrinks = gaps[gaps.length - 1] < gaps[0];
        boolean f1Holds = f1s[f1s.length - 1] >= f1s[0] - 0.01;
        String measured = "mean over targets: " + String.join("; ", parts) + ".";
        if (Math.abs(gaps[gaps.length - 1] - gaps[0]) < RESOLUTION && f1Holds) {
            return new Finding(claim, measured, Finding.Verdict.TOO_CLOSE);
        }
        return new Finding(claim, measured, gapShrinks && f1Holds ? Finding.Verdict.AGREES
                : gapShrinks || f1Holds ? Finding.Verdict.PARTLY : Finding.Verdict.DISAGREES);
    }

    private Finding length() {
        String claim = "Longer prompts are more wayward: the gap shrinks as the target length grows (4 → 56 tokens).";
        List<WaywardSelected> unrelated = compared.stream().filter(s -> s.targetKind() == TargetKind.UNRELATED).toList();
        Map<Integer, List<WaywardSelected>> byLength = new TreeMap<>();
        unrelated.forEach(s -> byLength.computeIfAbsent(s.promptLength(), l -> new ArrayList<>()).add(s));
        if (byLength.size() < 2) {
            return new Finding(claim, "the run has unrelated targets of " + byLength.size() + " length(s)",
                    Finding.Verdict.NOT_MEASURED);
        }
        List<String> parts = new ArrayList<>();
        List<Double> gaps = new ArrayList<>();
        byLength.forEach((l, list) -> {
            gaps.add(mean(list, WaywardSelected::gap));
            parts.add(String.format("P=%d gap %.1f points (F1 %.2f)", l, 100 * gaps.get(gaps.size() - 1),
                    mean(list, WaywardSelected::f1)));
        });
        double rho = spearmanWithRank(gaps);
        String measured = String.format("unrelated targets, mean over models and tasks: %s; rank correlation of gap"
                + " with length %.2f.", String.join("; ", parts), rho);
        boolean shrinksOverall = gaps.get(gaps.size() - 1) < gaps.get(0);
        if (Math.abs(gaps.get(gaps.size() - 1) - gaps.get(0)) < RESOLUTION) {
            return new Finding(claim, measured, Finding.Verdict.TOO_CLOSE);
        }
        return new Finding(claim, measured, rho < 0 && shrinksOverall ? Finding.Verdict.AGREES
                : rho < 0 || shrinksOverall ? Finding.Verdict.PARTLY : Finding.Verdict.DISAGREES);
    }

    private Finding projected() {
        String claim = "The projected discrete prompt (the target text as a hard prompt) is far less accurate than the"
                + " wayward prompt: the continuous vectors solve the task, not the text they read as.";
        List<double[]> pairs = new ArrayList<>(); // (continuous, projected) accuracy of each selected prompt's runs
        for (WaywardSelected s : outcome.selected()) {
            if (s.targetKind() == TargetKind.TRUE) {
                continue; // a true description may well help as a hard prompt
            }
            for (WaywardRow r : outcome.runs()) {
                if (r.model().equals(s.model()) && r.task().equals(s.task()) && r.target().equals(s.target())
                        && r.gamma() == s.gamma()) {
                    pairs.add(new double[] {r.accuracy(), r.projectedAccuracy()});
                }
            }
        }
        if (pairs.isEmpty()) {
            return new Finding(claim, "no contradictory or unrelated target was selected", Finding.Verdict.NOT_MEASURED);
        }
        double continuous = pairs.stream().mapToDouble(p -> p[0]).average().orElse(Double.NaN);
        double discrete = pairs.stream().mapToDouble(p -> p[1]).average().orElse(Double.NaN);
        String measured = String.format("contradictory and unrelated targets at the selected γ: continuous prompt %.3f,"
                + " its projected tokens %.3f (%d prompts).", continuous, discrete, pairs.size());
        return new Finding(claim, measured, Finding.Verdict.of(discrete < continuous - TOLERANCE));
    }

    /** Selected prompts by target kind, in the enum's order. */
    static Map<TargetKind, List<WaywardSelected>> byKind(List<WaywardSelected> selected) {
        Map<TargetKind, List<WaywardSelected>> out = new LinkedHashMap<>();
        for (TargetKind k : TargetKind.values()) {
            List<WaywardSelected> own = selected.stream().filter(s -> s.targetKind() == k).toList();
            if (!own.isEmpty()) {
                out.put(k, own);
            }
        }
        return out;
    }

    private static Finding.Verdict share(long yes, long n) {
        return 2 * yes >= n ? Finding.Verdict.AGREES : 4 * yes >= n ? Finding.Verdict.PARTLY : Finding.Verdict.DISAGREES;
    }

    static <T> double mean(List<T> items, ToDoubleFunction<T> f) {
        return items.stream().mapToDouble(f).average().orElse(Double.NaN);
    }

    static <T> double median(List<T> items, ToDoubleFunction<T> f) {
        double[] v = items.stream().mapToDouble(f).sorted().toArray();
        if (v.length == 0) {
            return Double.NaN;
        }
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    /** Spearman's rank correlation of {@code values} with their positions 0, 1, 2, ... (ties get mean ranks). */
    static double spearmanWithRank(List<Double> values) {
        int n = values.size();
        double[] ranks = new double[n];
        for (int i = 0; i < n; i++) {
            int below = 0;
            int equal = 0;
            for (double v : values) {
                below += v < values.get(i) ? 1 : 0;
                equal += v == values.get(i) ? 1 : 0;
            }
            ranks[i] = below + (equal + 1) / 2.0;
        }
        double meanRank = (n + 1) / 2.0;
        double cov = 0;
        double varX = 0;
        double varY = 0;
        for (int i = 0; i < n; i++) {
            double dx = (i + 1) - meanRank;
            double dy = ranks[i] - meanRank;
            cov += dx * dy;
            varX += dx * dx;
            varY += dy * dy;
        }
        return varY == 0 ? 0 : cov / Math.sqrt(varX * varY);
    }
}
