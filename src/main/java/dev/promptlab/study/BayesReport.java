package dev.promptlab.study;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptlab.report.HtmlReport;
import dev.promptlab.report.LineChart;
import dev.promptlab.tensor.AtomicFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Writes a Bayesian prompting run: {@code result.json} (settings and, per network, variant,
 * target and method, the median and 25–75 % band over repetitions of the cumulative regret at
 * n = 50, 100, 200), {@code curves.json} (the same over every n) and {@code report.html} (tables,
 * regret curves, what the run shows next to the paper's claims).
 */
public final class BayesReport {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final double LN2 = Math.log(2);

    private final BayesStudyConfig config;
    private final BayesStudy.Outcome outcome;
    private final Map<String, Object> extraSettings;

    /** {@code extraSettings} (e.g. threads) are recorded next to the study's own. */
    public BayesReport(BayesStudyConfig config, BayesStudy.Outcome outcome, Map<String, Object> extraSettings) {
        this.config = config;
        this.outcome = outcome;
        this.extraSettings = new LinkedHashMap<>(extraSettings);
    }

    /** Writes result.json, curves.json and report.html into {@code dir} (created if needed). */
    public void write(Path dir) throws IOException {
        Files.createDirectories(dir);
        AtomicFiles.writeString(dir.resolve("result.json"), JSON.writeValueAsString(resultJson()) + "\n");
        AtomicFiles.writeString(dir.resolve("curves.json"), JSON.writeValueAsString(curvesJson()) + "\n");
        html().write(dir.resolve("report.html"));
    }

    /** The settings as recorded in result.json. */
    ObjectNode settingsJson() {
        ObjectNode s = JSON.valueToTree(config);
        s.putPOJO("checkpoints", BayesStudy.checkpoints(config));
        ObjectNode targets = s.putObject("targets");
        BayesStudy.targets().forEach((name, source) -> targets.put(name, source.describe()));
        s.put("pretraining_prior", "Beta(1, 1) coins");
        s.put("prefix_position", "after BOS");
        s.put("optimizer", "Adam (AdamW without decay), constant learning rate");
        extraSettings.forEach(s::putPOJO);
        return s;
    }

    ObjectNode resultJson() {
        ObjectNode root = JSON.createObjectNode();
        root.set("settings", settingsJson());
        ArrayNode results = root.putArray("results");
        for (BayesResult r : outcome.results()) {
            ObjectNode o = results.addObject();
            o.put("network", r.network());
            o.put("pretrained", r.pretrained());
            o.put("target", r.target());
            o.put("method", r.method().label());
            ObjectNode regret = o.putObject("regret");
            for (int n : BayesStudy.checkpoints(config)) {
                ObjectNode at = regret.putObject(Integer.toString(n));
                at.put("median", round(r.medianAt(n)));
                at.put("q25", round(r.regretAt(n, 0.25)));
                at.put("q75", round(r.regretAt(n, 0.75)));
            }
            o.put("repetitions", r.repetitions());
            if (r.prefix() != null) {
                o.put("prefix", r.prefix());
            }
            o.put("seconds", round(r.seconds()));
        }
        ArrayNode pre = root.putArray("pretraining");
        for (BayesStudy.PretrainingReport p : outcome.pretraining()) {
            ObjectNode o = pre.addObject();
            o.put("network", p.network());
            o.put("steps", p.steps());
            o.put("final_loss_per_symbol", round(p.finalLoss()));
            o.put("kl_to_prebayes_untrained", round(p.klBefore()));
            o.put("kl_to_prebayes_pretrained", round(p.klAfter()));
            o.put("seconds", round(p.seconds()));
        }
        root.put("seconds", round(outcome.seconds()));
        return root;
    }

    ObjectNode curvesJson() {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode results = root.putArray("results");
        for (BayesResult r : outcome.results()) {
            ObjectNode o = results.addObject();
            o.put("network", r.network());
            o.put("pretrained", r.pretrained());
            o.put("target", r.target());
            o.put("method", r.method().label());
            o.putPOJO("median", rounded(r.curve(0.5)));
            o.putPOJO("q25", rounded(r.curve(0.25)));
            o.putPOJO("q75", rounded(r.curve(0.75)));
        }
        return root;
    }

    private static double round(double v) {
        return Math.round(v * 1e5) / 1e5;
    }

    private static double[] rounded(double[] v) {
        return Arrays.stream(v).map(BayesReport::round).toArray();
    }

    private List<String> variants() {
        List<String> v = new ArrayList<>();
        for (BayesResult r : outcome.results()) {
            if (!v.contains(r.variant())) {
                v.add(r.variant());
            }
        }
        return v;
    }

    private Optional<BayesResult> find(String variant, String target, BayesMethod method) {
        return outcome.results().stream()
                .filter(r -> r.variant().equals(variant) && r.target().equals(target) && r.method() == method).findFirst();
    }

    private static String cell(BayesResult r, int n) {
        return String.format("%.3f [%.3f, %.3f]", r.medianAt(n), r.regretAt(n, 0.25), r.regretAt(n, 0.75));
    }

    HtmlReport html() {
        int last = BayesStudy.checkpoints(config).get(BayesStudy.checkpoints(config).size() - 1);
        HtmlReport page = new HtmlReport("Prompting as Bayesian conditioning (promptlab bayes, " + config.preset()
                + " settings)");
        page.paragraph("Networks meta-trained on random coins (Beta(1, 1) prior) approximate the Bayes-optimal predictor"
                + " of that prior; a prefix can only condition it. So a target inside the prior's support (one coin,"
                + " P(0) = 0.2) should be reachable by prompting, with soft prefixes best, while a target no conditioning"
                + " can express (the 50/50 mixture of coins 0.2 and 0.8) stays out of reach of every prefix; only weight"
                + " tuning approaches its Bayes predictor (regret at most ln 2 = 0.693). Soft prefixes should even make"
                + " untrained Transformers predict well, untrained LSTMs much less (Genewein et al. 2025).");
        page.paragraph("Regret: cumulative log loss in nats over the first n symbols of each evaluation sequence, minus"
                + " that of the coin that generated it, averaged over the evaluation sequences (the same for every"
                + " method); median and [25 %, 75 %] over repetitions. Exact predictors, NoTuning and the exhaustive"
                + " searches (HardPT, PreBayesPT) are deterministic and have one repetition.");

        page.heading(2, "What this run shows");
        page.paragraph("The networks are meta-trained on sequences of " + config.pretrainLength() + " symbols and tuned on "
                + config.tuneLength() + " (as in the paper); further along the evaluation sequences they extrapolate, so"
                + " the paper's claims are listed at n = " + config.tuneLength() + " and at n = " + last + ".");
        for (int n : new java.util.TreeSet<>(List.of(Math.min(config.tuneLength(), last), last))) {
            page.heading(3, "At n = " + n);
            page.html(findingsHtml(n));
        }

        page.heading(2, "Regret at n = " + last);
        List<String> header = new ArrayList<>(List.of("method"));
        List<String[]> columns = new ArrayList<>();
        for (String v : variants()) {
            for (String t : BayesStudy.targets().keySet()) {
                header.add(v + " / " + t);
                columns.add(new String[] {v, t});
            }
        }
        List<List<String>> rows = new ArrayList<>();
        for (BayesMethod m : BayesMethod.values()) {
            List<String> row = new ArrayList<>(List.of(m.label()));
            boolean any = false;
            for (String[] c : columns) {
                Optional<BayesResult> r = find(c[0], c[1], m);
                row.add(r.map(x -> cell(x, last)).orElse("—"));
                any |= r.isPresent();
            }
            if (any) {
                rows.add(row);
            }
        }
        page.table(header, rows);

        for (String v : variants()) {
            page.heading(2, v);
            List<String> h = new ArrayList<>(List.of("method"));
            for (String t : BayesStudy.targets().keySet()) {
                for (int n : BayesStudy.checkpoints(config)) {
                    h.add(t + " R(" + n + ")");
                }
            }
            List<List<String>> detail = new ArrayList<>();
            for (BayesMethod m : BayesMethod.values()) {
                List<String> row = new ArrayList<>(List.of(m.label()));
                boolean any = false;
                for (String t : BayesStudy.targets().keySet()) {
                    Optional<BayesResult> r = find(v, t, m);
                    for (int n : BayesStudy.checkpoints(config)) {
                        row.add(r.map(x -> cell(x, n)).orElse("—"));
                    }
                    any |= r.isPresent();
                }
                if (any) {
                    detail.add(row);
                }
            }
            page.table(h, detail);
            List<byte[]> charts = new ArrayList<>();
            List<String> alts = new ArrayList<>();
            for (String t : BayesStudy.targets().keySet()) {
                for (BayesMethod.Kind kind : List.of(BayesMethod.Kind.PREFIX, BayesMethod.Kind.WEIGHTS)) {
                    String title = v + " — " + t + " — " + (kind == BayesMethod.Kind.PREFIX ? "prefix tuning" : "weight tuning");
                    charts.add(chart(v, t, kind, title));
                    alts.add(title);
                }
            }
            page.images(charts, alts);
        }

        if (!outcome.pretraining().isEmpty()) {
            page.heading(2, "Meta-training");
            List<List<String>> pre = new ArrayList<>();
            for (BayesStudy.PretrainingReport p : outcome.pretraining()) {
                pre.add(List.of(p.network(), Integer.toString(p.steps()), String.format("%.4f", p.finalLoss()),
                        String.format("%.4f", p.klBefore()), String.format("%.4f", p.klAfter()),
                        String.format("%.0f", p.seconds())));
            }
            page.paragraph("KL(PreBayes ‖ network): mean over symbols of fresh random-coin sequences of the pretraining"
                    + " length; small means the network learned to be Bayesian on the pretraining distribution.");
            page.table(List.of("network", "steps", "final loss / symbol", "KL untrained", "KL meta-trained", "seconds"), pre);
        }

        page.heading(2, "Methods");
        List<List<String>> methods = new ArrayList<>();
        for (BayesMethod m : BayesMethod.values()) {
            methods.add(List.of(m.label(), m.description()));
        }
        page.table(List.of("method", "what is tuned or used"), methods);

        page.heading(2, "Settings");
        try {
            page.preformatted(JSON.writeValueAsString(settingsJson()));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        page.paragraph(String.format("Total time: %.0f s.", outcome.seconds()));
        return page;
    }

    /** The paper's claims next to what this run measured at n = {@code n}, as a list for the page. */
    private String findingsHtml(int n) {
        StringBuilder s = new StringBuilder("<ul>\n");
        for (Finding f : findings(n)) {
            s.append(item(f.measured() + " — " + f.verdict().label() + "."));
        }
        return s.append("</ul>").toString();
    }

    /**
     * The paper's claims next to what this run measured at n = {@code n}: per meta-trained
     * network, SoftPT is the best prefix method on the single coin, and on the two-coin mixture
     * every prefix method stays above ln 2 while weight tuning beats them; on untrained networks,
     * soft prefixes bring the Transformer's regret well below the untuned one, the LSTM's much less.
     */
    public List<Finding> findings(int n) {
        List<Finding> out = new ArrayList<>();
        for (BayesStudy.PretrainingReport p : outcome.pretraining()) {
            boolean agrees = p.klAfter() < 0.5 * p.klBefore();
            out.add(new Finding("Meta-training brings the " + p.network() + " close to the Bayes predictor of its prior"
                    + " (PreBayes): the KL per symbol falls well below its untrained value.",
                    String.format("%s: KL(PreBayes ‖ network) %.4f nats/symbol after meta-training, %.4f untrained",
                    p.network(), p.klAfter(), p.klBefore()), Finding.Verdict.of(agrees)));
        }
        for (String v : variants()) {
            if (v.endsWith("untrained")) {
                continue;
            }
            Optional<BayesResult> soft = find(v, BayesStudy.SINGLE_COIN, BayesMethod.SOFT_PT);
            Optional<BayesResult> pre = find(v, BayesStudy.SINGLE_COIN, BayesMethod.PRE_BAYES);
            if (soft.isPresent() && pre.isPresent()) {
                double best = bestOf(v, BayesStudy.SINGLE_COIN, BayesMethod.Kind.PREFIX, BayesMethod.SOFT_PT, n);
                boolean agrees = soft.get().medianAt(n) <= best;
                out.add(new Finding("On a meta-trained " + v.substring(0, v.indexOf(',')) + ", SoftPT is the best prefix"
                        + " method for a target inside the prior (a single coin).",
                        String.format("%s, single-coin, n = %d: SoftPT %.3f vs the best other prefix method %.3f,"
                        + " PreBayes %.3f, TargetBayes 0 — SoftPT is %s prefix method", v, n, soft.get().medianAt(n),
                        best, pre.get().medianAt(n), agrees ? "the best" : "not the best"), Finding.Verdict.of(agrees)));
            }
            double prefixBest = bestOf(v, BayesStudy.TWO_COIN_MIXTURE, BayesMethod.Kind.PREFIX, null, n);
            double weightBest = bestOf(v, BayesStudy.TWO_COIN_MIXTURE, BayesMethod.Kind.WEIGHTS, null, n);
            if (!Double.isNaN(prefixBest) && !Double.isNaN(weightBest)) {
                boolean above = prefixBest > LN2;
                boolean beat = weightBest < prefixBest;
                out.add(new Finding("On a meta-trained " + v.substring(0, v.indexOf(',')) + ", no prefix reaches a target"
                        + " outside the prior (a two-coin mixture: regret above ln 2), while weight tuning beats them.",
                        String.format("%s, two-coin-mixture, n = %d: best prefix method %.3f (%s ln 2 = 0.693), best"
                        + " weight method %.3f — weights %s prefixes", v, n, prefixBest, above ? "above" : "NOT above",
                        weightBest, beat ? "beat" : "do NOT beat"), above && beat ? Finding.Verdict.AGREES
                        : above || beat ? Finding.Verdict.PARTLY : Finding.Verdict.DISAGREES));
            }
        }
        for (String v : variants()) {
            if (!v.endsWith("untrained")) {
                continue;
            }
            for (String t : BayesStudy.targets().keySet()) {
                Optional<BayesResult> soft = find(v, t, BayesMethod.SOFT_PT);
                Optional<BayesResult> none = find(v, t, BayesMethod.NO_TUNING);
                if (soft.isPresent() && none.isPresent()) {
                    double share = soft.get().medianAt(n) / none.get().medianAt(n);
                    boolean transformer = v.startsWith("transformer");
                    // the paper: soft prefixes make untrained Transformers predict well, untrained LSTMs much less
                    boolean agrees = transformer ? share < 0.5 : share >= 0.5;
                    out.add(new Finding("Soft prefixes make an untrained " + (transformer ? "Transformer predict well"
                            : "LSTM predict only a little better") + ".",
                            String.format("%s, %s, n = %d: SoftPT %.3f vs NoTuning %.3f (%.0f %% of the untuned regret)",
                            v, t, n, soft.get().medianAt(n), none.get().medianAt(n), 100 * share),
                            Finding.Verdict.of(agrees)));
                }
            }
        }
        return out;
    }

    private static String item(String text) {
        return "<li>" + HtmlReport.escape(text) + "</li>\n";
    }

    /** The lowest median at n among methods of {@code kind} (optionally without one). */
    private double bestOf(String variant, String target, BayesMethod.Kind kind, BayesMethod except, int n) {
        return outcome.results().stream()
                .filter(r -> r.variant().equals(variant) && r.target().equals(target) && r.method().kind() == kind
                        && r.method() != except)
                .mapToDouble(r -> r.medianAt(n)).min().orElse(Double.NaN);
    }

    private byte[] chart(String variant, String target, BayesMethod.Kind kind, String title) {
        List<LineChart.Series> series = new ArrayList<>();
        double top = 0;
        double bottom = 0;
        for (BayesMethod m : BayesMethod.values()) {
            boolean baseline = m.kind() == BayesMethod.Kind.BASELINE;
            // prefix panels also show the prefix baselines (PreBayesPT, random prefix); weight panels the plain ones
            boolean prefixBaseline = m == BayesMethod.PRE_BAYES_PT || m == BayesMethod.RANDOM_PF;
            boolean shown = m.kind() == kind || (baseline && (!prefixBaseline || kind == BayesMethod.Kind.PREFIX));
            if (!shown) {
                continue;
            }
            Optional<BayesResult> r = find(variant, target, m);
            if (r.isEmpty()) {
                continue;
            }
            double[] x = new double[config.evalLength()];
            for (int i = 0; i < x.length; i++) {
                x[i] = i + 1;
            }
            double[] median = r.get().curve(0.5);
            boolean band = r.get().repetitions() > 1;
            series.add(new LineChart.Series(m.label(), x, median, band ? r.get().curve(0.25) : null,
                    band ? r.get().curve(0.75) : null, LineChart.PALETTE.get(m.ordinal() % LineChart.PALETTE.size()),
                    baseline));
            top = Math.max(top, Arrays.stream(band ? r.get().curve(0.75) : median).max().orElse(0));
            bottom = Math.min(bottom, Arrays.stream(median).min().orElse(0));
        }
        double cap = top * 1.05;
        Optional<BayesResult> pre = find(variant, target, BayesMethod.PRE_BAYES);
        if (variant.endsWith("pretrained") && pre.isPresent()) {
            // keep the pretrained panels readable: lines above 2.5 × PreBayes are pinned to the top edge
            cap = Math.min(cap, 2.5 * pre.get().medianAt(config.evalLength()));
        }
        return LineChart.png(title, "n (symbols)", "cumulative regret [nats]", series, Math.min(0, bottom),
                Math.max(cap, 0.1), 760, 440);
    }
}
