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

    /** Every finding the run can speak to, in the paper's order. */
    static List<IclFindings> of(IclStudyConfig config, IclAnalysis a) {
        List<IclFindings> out = new ArrayList<>();
        out.add(beatsIcl(config, a));
        out.add(retrievedBeatsRandom(config, a));
        out.add(iptNotAlwaysBetter(config, a));
        out.add(similarity(a));
        out.add(stability(config, a));
        out.add(transfer(a));
        return out;
    }

    private static Set<String> cells(IclAnalysis a) {
        Set<String> out = new LinkedHashSet<>();
        a.rows.forEach(r -> out.add(r.model() + " / " + r.task()));
        return out;
    }

    private static double best(IclAnalysis a, String model, String task, List<IclMethod> methods, IclStudyConfig config) {
        double best = Double.NaN;
        for (IclAnalysis.Row r : a.rows) {
            if (r.model().equals(model) && r.task().equals(task) && methods.contains(IclMethod.byLabel(r.method()))
                    && (r.promptLength() == 0 || r.promptLength() == config.promptLength())) {
                double m = r.metric(a.headline(task)).mean();
                best = Double.isNaN(best) ? m : Math.max(best, m);
            }
        }
        return best;
    }

    private static IclFindings beatsIcl(IclStudyConfig config, IclAnalysis a) {
        String claim = "PT and IPT beat ICL on every task.";
        List<String> parts = new ArrayList<>();
        Boolean all = null;
        for (String mt : cells(a)) {
            String[] p = mt.split(" / ");
            double icl = best(a, p[0], p[1], List.of(IclMethod.ICL_RANDOM, IclMethod.ICL_BM25, IclMethod.ICL_EMBEDDING), config);
            double pt = best(a, p[0], p[1], List.of(IclMethod.PT), config);
            double ipt = best(a, p[0], p[1], List.of(IclMethod.IPT), config);
            if (Double.isNaN(icl) || (Double.isNaN(pt) && Double.isNaN(ipt))) {
                continue;
            }
            boolean ok = (Double.isNaN(pt) || pt > icl) && (Double.isNaN(ipt) || ipt > icl);
            all = all == null ? ok : all && ok;
            parts.add(String.format("%s: PT %.3f, best IPT %.3f, best ICL %.3f", mt, pt, ipt, icl));
        }
        return new IclFindings("beats-icl", claim, measured(parts), all);
    }

    private static IclFindings retrievedBeatsRandom(IclStudyConfig config, IclAnalysis a) {
        String claim = "Retrieved demonstrations beat random ones in ICL.";
        List<String> parts = new ArrayList<>();
        Boolean all = null;
        for (String mt : cells(a)) {
            String[] p = mt.split(" / ");
            double random = best(a, p[0], p[1], List.of(IclMethod.ICL_RANDOM), config);
            double retrieved = best(a, p[0], p[1], List.of(IclMethod.ICL_BM25, IclMethod.ICL_EMBEDDING), config);
            if (Double.isNaN(random) || Double.isNaN(retrieved)) {
                continue;
            }
            all = all == null ? retrieved > random : all && retrieved > random;
            parts.add(String.format("%s: retrieved %.3f, random %.3f", mt, retrieved, random));
        }
        return new IclFindings("retrieved-beats-random", claim, measured(parts), all);
    }

    private static IclFindings iptNotAlwaysBetter(IclStudyConfig config, IclAnalysis a) {
        String claim = "IPT does not beat PT on every task: on some task IPT − PT is within one seed std of zero or negative.";
        List<String> parts = new ArrayList<>();
        Boolean any = null;
        for (String mt : cells(a)) {
            String[] p = mt.split(" / ");
            IclAnalysis.Row pt = a.find(p[0], p[1], IclMethod.PT.label(), 0, config.promptLength());
            if (pt == null) {
                continue;
            }
            for (int k : config.shots()) {
                IclAnalysis.Row ipt = a.find(p[0], p[1], IclMethod.IPT.label(), k, config.promptLength());
                if (ipt == null) {
                    continue;
                }
                Spread s = ipt.metric(a.headline(p[1]));
                Spread b = pt.metric(a.headline(p[1]));
                double diff = s.mean() - b.mean();
                boolean notBetter = diff <= Math.max(s.std(), b.std());
                any = any == null ? notBetter : any || notBetter;
                parts.add(String.format("%s k=%d: IPT − PT %+.3f (std IPT %.3f, PT %.3f)", mt, k, diff, s.std(), b.std()));
            }
        }
        return new IclFindings("ipt-not-always-better", claim, measured(parts), any);
    }

    private static IclFindings similarity(IclAnalysis a) {
        String claim = "IPT − PT grows with the similarity of the test input to its demonstration (top bin above bottom bin).";
        List<String> parts = new ArrayList<>();
        Boolean all = null;
        Set<String> groups = new LinkedHashSet<>();
        a.bins.forEach(b -> groups.add(b.model() + "|" + b.task() + "|" + b.shots()));
        for (String g : groups) {
            List<IclAnalysis.Bin> bins = a.bins.stream()
                    .filter(b -> (b.model() + "|" + b.task() + "|" + b.shots()).equals(g)).toList();
            if (bins.size() < 2) {
                continue;
            }
            double low = bins.get(0).difference().mean();
            double high = bins.get(bins.size() - 1).difference().mean();
            all = all == null ? high > low : all && high > low;
            String[] p = g.split("\\|");
            parts.add(String.format("%s / %s k=%s: bottom bin %+.3f, top bin %+.3f", p[0], p[1], p[2], low, high));
        }
        return new IclFindings("similarity-bins", claim, measured(parts), all);
    }

    private static IclFindings stability(IclStudyConfig config, IclAnalysis a) {
        String claim = "IPT is more stable across seeds than PT: its seed std is smaller on every task.";
        List<String> parts = new ArrayList<>();
        Boolean all = null;
        for (String mt : cells(a)) {
            String[] p = mt.split(" / ");
            IclAnalysis.Row pt = a.find(p[0], p[1], IclMethod.PT.label(), 0, config.promptLength());
            IclAnalysis.Row ipt = a.find(p[0], p[1], IclMethod.IPT.label(), config.maxShots(), config.promptLength());
            if (pt == null || ipt == null || pt.seeds().size() < 2) {
                continue;
            }
            double sp = pt.metric(a.headline(p[1])).std();
            double si = ipt.metric(a.headline(p[1])).std();
            all = all == null ? si < sp : all && si < sp;
            parts.add(String.format("%s: std IPT %.3f, PT %.3f", mt, si, sp));
        }
        return new IclFindings("ipt-more-stable", claim, measured(parts), all);
    }

    private static IclFindings transfer(IclAnalysis a) {
        String claim = "A PT prompt of task A followed by demonstrations of task B beats ICL with those demonstrations"
                + " alone (positive off-diagonal transfer).";
        List<String> parts = new ArrayList<>();
        int positive = 0;
        int pairs = 0;
        for (IclAnalysis.Transfer t : a.transfers) {
            if (t.source().equals(t.target())) {
                continue;
            }
            pairs++;
            positive += t.gain() > 0 ? 1 : 0;
            parts.add(String.format("%s → %s: %+.3f", t.source(), t.target(), t.gain()));
        }
        Boolean agrees = pairs == 0 ? null : positive * 2 > pairs;
        String head = pairs == 0 ? "" : positive + " of " + pairs + " off-diagonal pairs positive; ";
        return new IclFindings("transfer", claim, head + measured(parts), agrees);
    }

    private static String measured(List<String> parts) {
        return parts.isEmpty() ? "not measured in this run" : String.join("; ", parts);
    }

    /** "agrees", "does not agree" or "not measured". */
    String verdict() {
        return agrees == null ? "not measured" : agrees ? "agrees" : "does not agree";
    }
}
