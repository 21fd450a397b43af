package dev.promptlab.study;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptlab.report.BarChart;
import dev.promptlab.study.builtin.BuiltinModels;
import dev.promptlab.report.HeatMap;
import dev.promptlab.report.HtmlReport;
import dev.promptlab.report.LineChart;
import dev.promptlab.study.TuneResult.Spread;
import dev.promptlab.tensor.AtomicFiles;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes an ICL study's {@code result.json} (schema in the README) and {@code report.html}: the
 * findings next to the paper's claims, the headline table (mean ± std over seeds), the per-seed
 * spread, the similarity-bin bars, the transfer heat map and the length sweep.
 */
final class IclReport {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final IclStudyConfig config;
    private final IclAnalysis analysis;
    private final List<IclFindings> findings;
    private final Map<String, int[]> sizes;
    private final double seconds;

    /** @param sizes per task, its training and test examples */
    IclReport(IclStudyConfig config, IclAnalysis analysis, Map<String, int[]> sizes, double seconds) {
        this.config = config;
        this.analysis = analysis;
        this.findings = IclFindings.of(config, analysis);
        this.sizes = sizes;
        this.seconds = seconds;
    }

    /** The settings as config.json and result.json record them. */
    static ObjectNode settingsJson(IclStudyConfig c) {
        ObjectNode s = JSON.createObjectNode();
        s.put("preset", c.preset());
        c.models().forEach(s.putArray("models")::add);
        ArrayNode tasks = s.putArray("tasks");
        for (IclTask t : c.tasks()) {
            ObjectNode o = tasks.addObject();
            o.put("name", t.name());
            if (t.builtin() != null) {
                o.put("builtin", "builtin:" + t.builtin());
            } else {
                o.put("train", t.train().toAbsolutePath().toString());
                o.put("test", t.test().toAbsolutePath().toString());
                o.put("template", t.template());
                o.put("instruction", t.instruction());
                t.metrics().forEach(o.putArray("metrics")::add);
            }
        }
        ArrayNode methods = s.putArray("methods");
        c.methods().forEach(m -> methods.add(m.label()));
        c.shots().forEach(s.putArray("shots")::add);
        c.seeds().forEach(s.putArray("seeds")::add);
        s.put("steps", c.steps());
        s.put("batch_size", c.batchSize());
        s.put("learning_rate", c.learningRate());
        s.put("prompt_length", c.promptLength());
        c.sweepLengths().forEach(s.putArray("sweep_lengths")::add);
        s.put("retriever", c.retrieval().label());
        s.put("bins", c.bins());
        s.put("transfer", c.transfer());
        s.put("max_train", c.maxTrain());
        s.put("max_test", c.maxTest());
        s.put("max_new_tokens", c.maxNewTokens());
        s.put("beams", c.beams());
        s.put("seed", c.seed());
        s.put("prompt_init", "sample_vocab");
        s.put("optimizer", "AdamW, no weight decay, linear decay to 0, gradient clip 1.0 per prompt");
        return s;
    }

    void write(Path dir) throws IOException {
        AtomicFiles.writeString(dir.resolve("result.json"), JSON.writeValueAsString(resultJson()) + "\n");
        html().write(dir.resolve("report.html"));
    }

    ObjectNode resultJson() {
        ObjectNode root = JSON.createObjectNode();
        root.set("settings", settingsJson(config));
        ObjectNode tasks = root.putObject("tasks");
        analysis.metrics.forEach((task, metrics) -> {
            ObjectNode t = tasks.putObject(task);
            metrics.forEach(t.putArray("metrics")::add);
            t.put("train_examples", sizes.get(task)[0]);
            t.put("test_examples", sizes.get(task)[1]);
        });
        ArrayNode results = root.putArray("results");
        for (IclAnalysis.Row r : analysis.rows) {
            ObjectNode o = results.addObject();
            o.put("model", r.model());
            o.put("task", r.task());
            o.put("method", r.method());
            o.put("shots", r.shots());
            o.put("prompt_length", r.promptLength());
            r.seeds().forEach(o.putArray("seeds")::add);
            ObjectNode m = o.putObject("metrics");
            r.perSeed().forEach((name, v) -> {
                ArrayNode perSeed = spread(m.putObject(name), Spread.of(v)).putArray("per_seed");
                for (double d : v) {
                    perSeed.add(round(d));
                }
            });
            if (r.finalLoss() != null) {
                spread(o.putObject("final_loss"), r.finalLoss());
            }
            o.put("demonstrations_dropped", r.dropped());
            o.put("training_demonstrations_dropped", r.trainingDropped());
            o.put("seconds", round(r.seconds()));
        }
        ArrayNode bins = root.putArray("similarity_bins");
        for (IclAnalysis.Bin b : analysis.bins) {
            ObjectNode o = bins.addObject();
            o.put("model", b.model());
            o.put("task", b.task());
            o.put("shots", b.shots());
            o.put("bin", b.index());
            o.put("similarity_low", round(b.low()));
            o.put("similarity_high", round(b.high()));
            o.put("n", b.n());
            o.put("metric", analysis.headline(b.task()));
            spread(o.putObject("pt"), b.pt());
            spread(o.putObject("ipt"), b.ipt());
            spread(o.putObject("ipt_minus_pt"), b.difference());
        }
        ArrayNode transfer = root.putArray("transfer");
        for (IclAnalysis.Transfer t : analysis.transfers) {
            ObjectNode o = transfer.addObject();
            o.put("model", t.model());
            o.put("source", t.source());
            o.put("target", t.target());
            o.put("shots", t.shots());
            o.put("prompt_length", config.promptLength());
            o.put("metric", analysis.headline(t.target()));
            spread(o.putObject("prompted"), t.prompted());
            o.put("icl", round(t.icl()));
            o.put("gain", round(t.gain()));
        }
        ArrayNode f = root.putArray("findings");
        for (IclFindings x : findings) {
            ObjectNode o = f.addObject();
            o.put("id", x.id());
            o.put("claim", x.claim());
            o.put("measured", x.measured());
            if (x.agrees() == null) {
                o.putNull("agrees");
            } else {
                o.put("agrees", x.agrees());
            }
        }
        root.put("seconds", round(seconds));
        return root;
    }

    private static ObjectNode spread(ObjectNode o, Spread s) {
        o.put("mean", round(s.mean()));
        o.put("std", round(s.std()));
        o.put("n", s.n());
        return o;
    }

    private static double round(double v) {
        return Math.round(v * 1e5) / 1e5;
    }

    // ------------------------------------------------------------------ the page

    HtmlReport html() {
        HtmlReport page = new HtmlReport("In-context examples and prompt tuning (promptlab icl-study, " + config.preset()
                + " settings)");
        page.paragraph("Sun et al. (2023) compare in-context learning (ICL: demonstrations in the text), prompt tuning"
                + " (PT: a trained soft prompt) and instruction prompt tuning (IPT: a soft prompt trained with"
                + " demonstrations before the input) on frozen models. They find PT and IPT far above ICL, IPT not"
                + " uniformly above PT but helpful when the demonstration resembles the input, IPT more stable across"
                + " seeds, and positive transfer of a PT prompt to another task's demonstrations.");
        page.paragraph("Model weights stay frozen; every trained method trains one soft prompt per seed, all seeds of a"
                + " cell in one multi-prompt batch; the loss counts the answer tokens only. Every layout starts with"
                + " the task's instruction, so the methods differ only in the prompt and the demonstrations. Scores"
                + " are on the test split; mean ± sample std over seeds (methods with retrieved demonstrations are"
                + " deterministic: one run).");
        List<String> withoutTasks = config.models().stream().filter(BuiltinModels::isRef)
                .filter(m -> !BuiltinModels.recipe(BuiltinModels.nameOf(m)).iclStudyTasks()).toList();
        if (!withoutTasks.isEmpty()) {
            page.paragraph("Note on " + String.join(", ", withoutTasks) + ": pretrained without these generation tasks"
                    + " (its recipe's iclStudyTasks switch is off), it writes almost nothing right on them; expect"
                    + " figures near zero. builtin:small is pretrained with them.");
        }
        page.heading(2, "What this run shows");
        StringBuilder ul = new StringBuilder("<ul>\n");
        for (IclFindings x : findings) {
            ul.append("<li><b>").append(HtmlReport.escape(x.verdict())).append("</b> — ").append(HtmlReport.escape(x.claim()))
                    .append("<br>").append(HtmlReport.escape(x.measured())).append("</li>\n");
        }
        page.html(ul.append("</ul>").toString());
        headline(page);
        spreadPlots(page);
        binBars(page);
        transferMaps(page);
        sweep(page);
        page.heading(2, "Methods");
        List<List<String>> methods = new ArrayList<>();
        for (IclMethod m : IclMethod.values()) {
            methods.add(List.of(m.label(), m.description()));
        }
        page.table(List.of("method", "what the model reads"), methods);
        page.heading(2, "Settings");
        try {
            page.preformatted(JSON.writeValueAsString(settingsJson(config)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        page.paragraph(String.format("Total time: %.0f s.", seconds));
        return page;
    }

    private Set<String> modelTasks() {
        Set<String> out = new LinkedHashSet<>();
        analysis.rows.forEach(r -> out.add(r.model() + " / " + r.task()));
        return out;
    }

    /** The method rows at the headline P (PT k = 0, ICL P = 0). */
    private List<IclAnalysis.Row> headlineRows(String model, String task) {
        return analysis.rows.stream().filter(r -> r.model().equals(model) && r.task().equals(task)
                && (r.promptLength() == 0 || r.promptLength() == config.promptLength())).toList();
    }

    private static String label(IclAnalysis.Row r) {
        return r.method() + (r.shots() > 0 ? " k=" + r.shots() : "");
    }

    private void headline(HtmlReport page) {
        page.heading(2, "Headline table (P = " + config.promptLength() + ")");
        for (String mt : modelTasks()) {
            String[] p = mt.split(" / ");
            List<String> metrics = analysis.metrics.get(p[1]);
            List<String> header = new ArrayList<>(List.of("method"));
            metrics.forEach(m -> header.add(m + " (mean ± std)"));
            header.addAll(List.of("seeds", "final loss", "demos dropped", "seconds"));
            List<List<String>> rows = new ArrayList<>();
            for (IclAnalysis.Row r : headlineRows(p[0], p[1])) {
                List<String> row = new ArrayList<>(List.of(label(r)));
                for (String m : metrics) {
                    Spread s = r.metric(m);
                    row.add(String.format("%.3f ± %.3f", s.mean(), s.std()));
                }
                row.add(Integer.toString(r.seeds().size()));
                row.add(r.finalLoss() == null ? "—" : String.format("%.3f", r.finalLoss().mean()));
                row.add(r.dropped() + (r.trainingDropped() > 0 ? " (+" + r.trainingDropped() + " in training)" : ""));
                row.add(String.format("%.0f", r.seconds()));
                rows.add(row);
            }
            page.heading(3, mt);
            page.table(header, rows);
        }
    }

    private void spreadPlots(HtmlReport page) {
        page.heading(2, "Per-seed spread");
        List<byte[]> charts = new ArrayList<>();
        List<String> alts = new ArrayList<>();
        for (String mt : modelTasks()) {
            String[] p = mt.split(" / ");
            String metric = analysis.headline(p[1]);
            List<IclAnalysis.Row> rows = headlineRows(p[0], p[1]);
            List<String> categories = rows.stream().map(IclReport::label).toList();
            List<BarChart.Series> series = new ArrayList<>();
            for (int s = 0; s < config.seeds().size(); s++) {
                double[] v = new double[rows.size()];
                for (int i = 0; i < rows.size(); i++) {
                    double[] perSeed = rows.get(i).perSeed().get(metric);
                    v[i] = s < perSeed.length ? perSeed[s] : Double.NaN;
                }
                series.add(new BarChart.Series("seed " + config.seeds().get(s), v, null,
                        LineChart.PALETTE.get(s % LineChart.PALETTE.size())));
            }
            charts.add(BarChart.points(mt + ": every seed", "method", metric, categories, series, 760, 420));
            alts.add(mt + " per-seed spread");
        }
        page.images(charts, alts);
    }

    private void binBars(HtmlReport page) {
        page.heading(2, "Similarity bins: IPT − PT");
        if (analysis.bins.isEmpty()) {
            page.paragraph("Not measured: the bins need both PT and IPT.");
            return;
        }
        page.paragraph("Test inputs split into " + config.bins() + " equal-count bins by the embedding cosine of their"
                + " nearest training example (lowest first); per bin the headline metric of IPT minus PT, mean ± std over"
                + " seeds.");
        List<byte[]> charts = new ArrayList<>();
        List<String> alts = new ArrayList<>();
        Set<String> groups = new LinkedHashSet<>();
        analysis.bins.forEach(b -> groups.add(b.model() + " / " + b.task()));
        for (String g : groups) {
            List<String> categories = new ArrayList<>();
            List<BarChart.Series> series = new ArrayList<>();
            int colour = 0;
            for (int k : config.shots()) {
                List<IclAnalysis.Bin> bins = analysis.bins.stream()
                        .filter(b -> (b.model() + " / " + b.task()).equals(g) && b.shots() == k).toList();
                if (bins.isEmpty()) {
                    continue;
                }
                if (categories.isEmpty()) {
                    bins.forEach(b -> categories.add(String.format("%d: %.2f–%.2f", b.index() + 1, b.low(), b.high())));
                }
                series.add(new BarChart.Series("IPT k=" + k + " − PT",
                        bins.stream().mapToDouble(b -> b.difference().mean()).toArray(),
                        bins.stream().mapToDouble(b -> b.difference().std()).toArray(),
                        LineChart.PALETTE.get(colour++ % LineChart.PALETTE.size())));
            }
            String metric = analysis.headline(g.split(" / ")[1]);
            charts.add(BarChart.bars(g + ": IPT − PT by similarity bin", "bin (cosine range)", metric + " difference",
                    categories, series, 760, 420));
            alts.add(g + " similarity bins");
        }
        page.images(charts, alts);
    }

    private void transferMaps(HtmlReport page) {
        page.heading(2, "Transfer: PT prompt of A + demonstrations of B, minus ICL on B");
        if (analysis.transfers.isEmpty()) {
            page.paragraph("Not measured: transfer needs PT and the transfer option.");
            return;
        }
        List<byte[]> charts = new ArrayList<>();
        List<String> alts = new ArrayList<>();
        for (String model : new LinkedHashSet<>(analysis.transfers.stream().map(IclAnalysis.Transfer::model).toList())) {
            List<String> names = new ArrayList<>(analysis.metrics.keySet());
            double[][] gain = new double[names.size()][names.size()];
            for (double[] row : gain) {
                java.util.Arrays.fill(row, Double.NaN);
            }
            List<List<String>> rows = new ArrayList<>();
            for (IclAnalysis.Transfer t : analysis.transfers) {
                if (t.model().equals(model)) {
                    gain[names.indexOf(t.source())][names.indexOf(t.target())] = t.gain();
                    rows.add(List.of(t.source(), t.target(), String.format("%.3f ± %.3f", t.prompted().mean(),
                            t.prompted().std()), String.format("%.3f", t.icl()), String.format("%+.3f", t.gain())));
                }
            }
            page.heading(3, model);
            page.table(List.of("source A (prompt)", "target B (demos, scored)", "prompt + demos", "ICL alone", "gain"),
                    rows);
            charts.add(HeatMap.png(model + ": gain over ICL (headline metric of B)", "target task B", "source task A",
                    names, names, gain, 620, 460));
            alts.add(model + " transfer heat map");
        }
        page.images(charts, alts);
    }

    private void sweep(HtmlReport page) {
        page.heading(2, "Prompt-length sweep");
        List<byte[]> charts = new ArrayList<>();
        List<String> alts = new ArrayList<>();
        for (String mt : modelTasks()) {
            String[] p = mt.split(" / ");
            String metric = analysis.headline(p[1]);
            List<LineChart.Series> series = new ArrayList<>();
            int colour = 0;
            for (IclMethod m : List.of(IclMethod.PT, IclMethod.IPT)) {
                int k = m == IclMethod.PT ? 0 : config.maxShots();
                List<IclAnalysis.Row> points = analysis.rows.stream().filter(r -> r.model().equals(p[0])
                        && r.task().equals(p[1]) && r.method().equals(m.label()) && r.shots() == k)
                        .sorted(java.util.Comparator.comparingInt(IclAnalysis.Row::promptLength)).toList();
                if (points.size() < 2) {
                    continue;
                }
                double[] x = points.stream().mapToDouble(IclAnalysis.Row::promptLength).toArray();
                double[] mean = points.stream().mapToDouble(r -> r.metric(metric).mean()).toArray();
                double[] lo = points.stream().mapToDouble(r -> r.metric(metric).mean() - r.metric(metric).std()).toArray();
                double[] hi = points.stream().mapToDouble(r -> r.metric(metric).mean() + r.metric(metric).std()).toArray();
                series.add(new LineChart.Series(m.label() + (k > 0 ? " k=" + k : "") + " (± std)", x, mean, lo, hi,
                        LineChart.PALETTE.get(colour++), false));
            }
            if (!series.isEmpty()) {
                charts.add(LineChart.png(mt + ": prompt length", "prompt length P", metric, series, Double.NaN, Double.NaN,
                        760, 420));
                alts.add(mt + " length sweep");
            }
        }
        if (charts.isEmpty()) {
            page.paragraph("Not measured: the sweep needs at least two prompt lengths of PT or IPT.");
        } else {
            page.images(charts, alts);
        }
    }
}
