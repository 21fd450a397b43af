package dev.promptlab.study;

import dev.promptlab.study.TuneResult.Spread;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The paper's findings next to what a run measured, each with whether it agrees: null when the run
 * has not the cells to tell (a method or an analysis not run).
 *
 * @param id a short stable name ({@code beats-icl}, ...)
 * @param claim the paper's claim
 * @param measured what this run shows, with its figures
 * @param agrees whether it agrees; null when the run cannot tell
 */
record IclFindings(String id, String claim, String measured, Boolean agrees) {
    private static final List<IclMethod> ICL = List.of(IclMethod.ICL_RANDOM, IclMethod.ICL_BM25, IclMethod.ICL_EMBEDDING);

    /** Every finding the run can speak to, in the paper's order. */
    static List<IclFindings> of(IclStudyConfig config, IclAnalysis a) {
        return List.of(beatsIcl(config, a), retrievedBeatsRandom(config, a), iptNotAlwaysBetter(config, a),
                similarity(a), stability(config, a), transfer(a));
    }

    /** One finding's verdicts per model and task: it agrees when every one (or, for {@code any}, one) agrees. */
    private static final class Tally {
        private final boolean any;
        private final List<String> parts = new ArrayList<>();
        private Boolean verdict;

        Tally(boolean any) {
            this.any = any;
        }

        void add(boolean ok, String figures) {
            verdict = verdict == null ? ok : any ? verdict || ok : verdict && ok;
            parts.add(figures);
        }

        IclFindings finding(String id, String claim, String head) {
            return new IclFindings(id, claim, parts.isEmpty() ? "not measured in this run" : head + String.join("; ", parts),
                    verdict);
        }
    }

    /** The (model, task) pairs of the run, in order. */
    private static List<String[]> pairs(IclAnalysis a) {
        Set<String> seen = new LinkedHashSet<>();
        a.rows.forEach(r -> seen.add(r.model() + "\u0000" + r.task()));
        return seen.stream().map(s -> s.split("\u0000")).toList();
    }

    /** The best headline mean of {@code methods} on a model and task (at the headline P), NaN if none ran. */
    private static double best(IclAnalysis a, String[] mt, List<IclMethod> methods, IclStudyConfig config) {
        double best = Double.NaN;
        for (IclAnalysis.Row r : a.rows) {
            if (r.model().equals(mt[0]) && r.task().equals(mt[1]) && methods.contains(IclMethod.byLabel(r.method()))
                    && (r.promptLength() == 0 || r.promptLength() == config.promptLength())) {
                double m = r.metric(a.headline(mt[1])).mean();
                best = Double.isNaN(best) ? m : Math.max(best, m);
            }
        }
        return best;
    }

    private static String name(String[] mt) {
        return mt[0] + " / " + mt[1];
    }

    private static IclFindings beatsIcl(IclStudyConfig config, IclAnalysis a) {
        Tally t = new Tally(false);
        for (String[] mt : pairs(a)) {
            double icl = best(a, mt, ICL, config);
            double pt = best(a, mt, List.of(IclMethod.PT), config);
            double ipt = best(a, mt, List.of(IclMethod.IPT), config);
            if (!Double.isNaN(icl) && !(Double.isNaN(pt) && Double.isNaN(ipt))) {
                t.add((Double.isNaN(pt) || pt > icl) && (Double.isNaN(ipt) || ipt > icl),
                        String.format("%s: PT %.3f, best IPT %.3f, best ICL %.3f", name(mt), pt, ipt, icl));
            }
        }
        return t.finding("beats-icl", "PT and IPT beat ICL on every task.", "");
    }

    private static IclFindings retrievedBeatsRandom(IclStudyConfig config, IclAnalysis a) {
        Tally t = new Tally(false);
        for (String[] mt : pairs(a)) {
            double random = best(a, mt, List.of(IclMethod.ICL_RANDOM), config);
            double retrieved = best(a, mt, List.of(IclMethod.ICL_BM25, IclMethod.ICL_EMBEDDING), config);
            if (!Double.isNaN(random) && !Double.isNaN(retrieved)) {
                t.add(retrieved > random, String.format("%s: retrieved %.3f, random %.3f", name(mt), retrieved, random));
            }
        }
        return t.finding("retrieved-beats-random", "Retrieved demonstrations beat random ones in ICL.", "");
    }

    private static IclFindings iptNotAlwaysBetter(IclStudyConfig config, IclAnalysis a) {
        Tally t = new Tally(true);
        for (String[] mt : pairs(a)) {
            IclAnalysis.Row pt = a.find(mt[0], mt[1], IclMethod.PT.label(), 0, config.promptLength());
            for (int k : config.shots()) {
                IclAnalysis.Row ipt = a.find(mt[0], mt[1], IclMethod.IPT.label(), k, config.promptLength());
                if (pt != null && ipt != null) {
                    Spread i = ipt.metric(a.headline(mt[1]));
                    Spread p = pt.metric(a.headline(mt[1]));
                    double diff = i.mean() - p.mean();
                    t.add(diff <= Math.max(i.std(), p.std()), String.format("%s k=%d: IPT − PT %+.3f (std IPT %.3f, PT"
                            + " %.3f)", name(mt), k, diff, i.std(), p.std()));
                }
            }
        }
        return t.finding("ipt-not-always-better", "IPT does not beat PT on every task: on some task IPT − PT is within"
                + " one seed std of zero or negative.", "");
    }

    private static IclFindings similarity(IclAnalysis a) {
        Tally t = new Tally(false);
        Set<String> groups = new LinkedHashSet<>();
        a.bins.forEach(b -> groups.add(b.model() + " / " + b.task() + " k=" + b.shots()));
        for (String g : groups) {
            List<IclAnalysis.Bin> bins = a.bins.stream()
                    .filter(b -> (b.model() + " / " + b.task() + " k=" + b.shots()).equals(g)).toList();
            if (bins.size() >= 2) {
                double low = bins.get(0).difference().mean();
                double high = bins.get(bins.size() - 1).difference().mean();
                t.add(high > low, String.format("%s: bottom bin %+.3f, top bin %+.3f", g, low, high));
            }
        }
        return t.finding("similarity-bins", "IPT − PT grows with the similarity of the test input to its demonstration"
                + " (top bin above bottom bin).", "");
    }

    private static IclFindings stability(IclStudyConfig config, IclAnalysis a) {
        Tally t = new Tally(false);
        for (String[] mt : pairs(a)) {
            IclAnalysis.Row pt = a.find(mt[0], mt[1], IclMethod.PT.label(), 0, config.promptLength());
            IclAnalysis.Row ipt = a.find(mt[0], mt[1], IclMethod.IPT.label(), config.maxShots(), config.promptLength());
            if (pt != null && ipt != null && pt.seeds().size() >= 2) {
                double sp = pt.metric(a.headline(mt[1])).std();
                double si = ipt.metric(a.headline(mt[1])).std();
                t.add(si < sp, String.format("%s: std IPT %.3f, PT %.3f", name(mt), si, sp));
            }
        }
        return t.finding("ipt-more-stable", "IPT is more stable across seeds than PT: its seed std is smaller on every"
                + " task.", "");
    }

    private static IclFindings transfer(IclAnalysis a) {
        Tally t = new Tally(false);
        int positive = 0;
        for (IclAnalysis.Transfer x : a.transfers) {
            if (!x.source().equals(x.target())) {
                positive += x.gain() > 0 ? 1 : 0;
                t.add(true, String.format("%s → %s: %+.3f", x.source(), x.target(), x.gain()));
            }
        }
        int pairs = t.parts.size();
        // a majority of positive off-diagonal pairs: the claim is about the matrix, not every pair
        t.verdict = pairs == 0 ? null : positive * 2 > pairs;
        return t.finding("transfer", "A PT prompt of task A followed by demonstrations of task B beats ICL with those"
                + " demonstrations alone (positive off-diagonal transfer).", positive + " of " + pairs
                + " off-diagonal pairs positive; ");
    }

    /** "agrees", "does not agree" or "not measured". */
    String verdict() {
        return agrees == null ? "not measured" : agrees ? "agrees" : "does not agree";
    }
}
