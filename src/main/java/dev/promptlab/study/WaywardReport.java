package dev.promptlab.study;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptlab.analysis.TargetKind;
import dev.promptlab.report.HtmlReport;
import dev.promptlab.report.LineChart;
import dev.promptlab.tensor.AtomicFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes a waywardness run's {@code result.json} ({@code settings}, {@code runs},
 * {@code selected}; the schema is the README's) and {@code report.html}: the paper's findings
 * next to ours, the selected prompts against the best γ = 0 prompt, accuracy-vs-F1 trade-off
 * curves over γ per target kind, the size and length sweeps, and each selected prompt's projected
 * text next to its target.
 */
final class WaywardReport {
    private final WaywardStudy.Outcome outcome;
    private final ObjectNode settings;
    private final Map<String, Object> recorded;

    /**
     * @param settings the study's settings ({@link #settingsJson})
     * @param recorded how it ran (e.g. threads), added to the settings in result.json
     */
    WaywardReport(WaywardStudy.Outcome outcome, ObjectNode settings, Map<String, Object> recorded) {
        this.outcome = outcome;
        this.settings = settings;
        this.recorded = new LinkedHashMap<>(recorded);
    }

    /** Writes result.json and report.html into {@code dir}. */
    void write(Path dir) throws IOException {
        Files.createDirectories(dir);
        AtomicFiles.writeString(dir.resolve("result.json"), WaywardStudy.JSON.writeValueAsString(resultJson()) + "\n");
        html().write(dir.resolve("report.html"));
    }

    /** The settings a run is started with; config.json holds exactly these, and resume compares them. */
    static ObjectNode settingsJson(WaywardStudyConfig config, WaywardPlan plan) {
        ObjectNode s = WaywardStudy.JSON.createObjectNode();
        s.put("preset", config.preset());
        ArrayNode models = s.putArray("models");
        for (WaywardPlan.ModelPlan m : plan.models()) {
            ObjectNode o = models.addObject();
            o.put("model", m.model().ref());
            o.put("parameters", m.model().parameters());
            o.put("layers", m.model().layers());
            o.put("hidden_size", m.model().hidden());
            o.put("vocab_size", m.model().vocab());
            o.put("context", m.model().context());
        }
        ArrayNode tasks = s.putArray("tasks");
        for (WaywardPlan.TaskPlan t : plan.models().get(0).tasks()) {
            ObjectNode o = tasks.addObject();
            o.put("task", t.task().name());
            o.put("template", t.data().train().template().pattern());
            t.data().train().labels().forEach(o.putArray("labels")::add);
            o.put("train_examples", t.data().train().examples().size());
            o.put("test_examples", t.test().size());
        }
        config.targets().forEach(s.putArray("target_sets")::add);
        s.put("targets_per_kind", config.targetsPerKind());
        config.lengths().forEach(s.putArray("unrelated_lengths")::add);
        config.gammas().forEach(s.putArray("gammas")::add);
        config.seeds().forEach(s.putArray("seeds")::add);
        s.put("steps", config.steps());
        s.put("batch_size", config.batchSize());
        s.put("learning_rate", config.learningRate());
        s.put("optimizer", "AdamW, weight decay 0, learning rate decayed linearly to 0 (no warm-up)");
        s.put("clip", config.clip());
        s.put("objective", "mean cross entropy of the label tokens + gamma * ||P - E[target]||^2 / L");
        s.put("init", config.init().cliName());
        s.put("scoring", config.scoring().name().toLowerCase());
        s.put("metric", config.metric().name().toLowerCase());
        s.put("test_examples", config.testExamples());
        s.put("f1_threshold", config.f1Threshold());
        s.put("max_prompts_per_batch", config.maxPrompts());
        s.put("eval_batch", config.evalBatch());
        ArrayNode scored = s.putArray("targets");
        ArrayNode flagged = s.putArray("flagged");
        plan.models().forEach(m -> m.tasks().forEach(t -> t.described().forEach(d -> {
            ObjectNode o = d.flagged() ? flagged.addObject() : scored.addObject();
            o.put("model", d.model());
            o.put("task", d.task());
            o.put("target", d.text());
            o.put("target_kind", WaywardRow.kindName(d.kind()));
            o.put("source", d.source());
            o.put("prompt_length", d.tokens());
            o.put("f1_ceiling", d.f1Ceiling());
            if (d.flagged()) {
                d.unknownWords().forEach(o.putArray("unknown_words")::add);
            }
        })));
        return s;
    }

    ObjectNode resultJson() {
        ObjectNode root = WaywardStudy.JSON.createObjectNode();
        ObjectNode s = settings.deepCopy();
        recorded.forEach(s::putPOJO);
        root.set("settings", s);
        ArrayNode runs = root.putArray("runs");
        outcome.runs().forEach(r -> runs.add(r.toJson()));
        ArrayNode selected = root.putArray("selected");
        outcome.selected().forEach(r -> selected.add(r.toJson()));
        return root;
    }

    static String gamma(double g) {
        return WaywardStudyConfig.gammaText(g);
    }

    private static String pct(double v) {
        return Double.isNaN(v) ? "—" : String.format("%.1f", 100 * v);
    }

    private static String f2(double v) {
        return Double.isNaN(v) ? "—" : String.format("%.2f", v);
    }

    HtmlReport html() {
        WaywardStudyConfig config = outcome.config();
        HtmlReport page = new HtmlReport("Prompt waywardness (promptlab wayward, " + config.preset() + " settings)");
        page.paragraph("A soft prompt is often read by projecting each of its vectors onto the nearest token embedding."
                + " Khashabi et al. (2022) show that this reading is unreliable: a prompt can be trained to solve a task"
                + " while its projection spells out almost any chosen text (another task's definition, unrelated text),"
                + " within about 2 % of the accuracy of the best unconstrained prompt of the same length; more so for"
                + " larger models and longer prompts. Here every prompt is trained with the task loss plus"
                + " γ·‖P − E[target]‖²/L, and per target the most accurate γ whose mean prompt F1 exceeds 0.98 is"
                + " selected and compared with the best γ = 0 prompt of the same length.");
        page.paragraph("Accuracies are in percent of the test examples scored (the settings give how many per task);"
                + " with a few hundred or fewer, an accuracy carries several points of sampling noise, and differences"
                + " between prompts somewhat less, since every prompt is scored on the same examples.");

        page.heading(2, "What this run shows");
        List<List<String>> findings = new ArrayList<>();
        List<Finding> all = new WaywardFindings(outcome).all();
        for (int i = 0; i < all.size(); i++) {
            Finding f = all.get(i);
            findings.add(List.of(Integer.toString(i + 1), f.claim(), f.measured(), f.verdict().label()));
        }
        page.table(List.of("#", "the paper", "this run", "verdict"), findings);

        page.heading(2, "Selected prompts by target kind");
        page.paragraph("Means over the targets of each kind. Wayward: selected F1 > 0.98 and gap ≤ "
                + (int) WaywardFindings.TOLERANCE_POINTS + " points.");
        page.table(List.of("model", "task", "kind", "targets", "best γ = 0 accuracy", "selected accuracy", "selected F1",
                "gap [points]", "wayward"), byKindRows());

        page.heading(2, "Selected prompt per target");
        List<List<String>> sel = new ArrayList<>();
        for (WaywardSelected s : outcome.selected()) {
            sel.add(List.of(s.model(), s.task(), WaywardRow.kindName(s.targetKind()), Integer.toString(s.promptLength()),
                    abbreviate(s.target(), 70), gamma(s.gamma()), pct(s.accuracy()), f2(s.f1()),
                    pct(s.bestGamma0Accuracy()), pct(s.gap()), s.meetsThreshold() ? "yes" : "no"));
        }
        page.table(List.of("model", "task", "kind", "P", "target", "γ", "accuracy", "F1", "best γ = 0", "gap", "F1 > 0.98"),
                sel);
        images(page, Arrays.asList(selectedChart()), List.of("selected vs best γ = 0"));

        page.heading(2, "Accuracy against F1 over γ");
        page.paragraph("Each line is one target: its mean accuracy and F1 over seeds at each γ, from the smallest γ"
                + " (usually the lowest F1) to the largest.");
        for (String model : modelRefs()) {
            for (String task : taskNames()) {
                List<byte[]> charts = new ArrayList<>();
                List<String> alts = new ArrayList<>();
                for (TargetKind kind : kinds()) {
                    String title = model + " — " + task + " — " + WaywardRow.kindName(kind);
                    byte[] chart = tradeOffChart(model, task, kind, title);
                    if (chart != null) {
                        charts.add(chart);
                        alts.add(title);
                    }
                }
                page.images(charts, alts);
            }
        }
        page.table(List.of("model", "task", "kind", "γ", "accuracy", "F1", "distance", "projected accuracy", "final loss"),
                gammaRows());

        if (outcome.models().size() > 1) {
            page.heading(2, "Model size");
            images(page, Arrays.asList(sizeChart(true), sizeChart(false)), List.of("gap against model size",
                    "F1 against model size"));
        }
        if (lengths().size() > 1) {
            page.heading(2, "Prompt length (unrelated targets)");
            images(page, Arrays.asList(lengthChart(true), lengthChart(false)), List.of("gap against prompt length",
                    "F1 against prompt length"));
        }

        page.heading(2, "What the selected prompts read as");
        page.paragraph("Each selected prompt's projection (the first seed's) next to its target, with the accuracy of"
                + " the continuous prompt and of its projected tokens used as a hard prompt.");
        page.table(List.of("model", "task", "kind", "target", "projected text", "F1", "accuracy", "projected accuracy"),
                textRows());

        List<WaywardTarget> flagged = outcome.flagged();
        if (!flagged.isEmpty()) {
            page.heading(2, "Targets not scored");
            List<List<String>> rows = new ArrayList<>();
            for (WaywardTarget t : flagged) {
                rows.add(List.of(t.model(), t.task(), t.text(), t.source(), String.join(", ", t.unknownWords())));
            }
            page.table(List.of("model", "task", "target", "source", "words the tokenizer cannot write"), rows);
        }

        page.heading(2, "Settings");
        try {
            page.preformatted(WaywardStudy.JSON.writeValueAsString(resultJson().get("settings")));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        page.paragraph(String.format("This call: %d cells trained, %d finished before; %.0f s.", outcome.cellsRun(),
                outcome.cellsSkipped(), outcome.seconds()));
        return page;
    }

    private List<List<String>> byKindRows() {
        List<List<String>> rows = new ArrayList<>();
        for (String model : modelRefs()) {
            for (String task : taskNames()) {
                List<WaywardSelected> own = outcome.selected().stream()
                        .filter(s -> s.model().equals(model) && s.task().equals(task)).toList();
                WaywardFindings.byKind(own).forEach((kind, list) -> rows.add(List.of(model, task,
                        WaywardRow.kindName(kind), Integer.toString(list.size()),
                        pct(WaywardFindings.mean(list, WaywardSelected::bestGamma0Accuracy)),
                        pct(WaywardFindings.mean(list, WaywardSelected::accuracy)),
                        f2(WaywardFindings.mean(list, WaywardSelected::f1)),
                        pct(WaywardFindings.mean(list, WaywardSelected::gap)),
                        list.stream().filter(WaywardFindings::wayward).count() + " of " + list.size())));
            }
        }
        return rows;
    }

    /** Means over targets and seeds per (model, task, kind, γ). */
    private List<List<String>> gammaRows() {
        List<List<String>> rows = new ArrayList<>();
        for (String model : modelRefs()) {
            for (String task : taskNames()) {
                for (TargetKind kind : kinds()) {
                    Map<Double, List<WaywardRow>> byGamma = new TreeMap<>();
                    outcome.runs().stream().filter(r -> r.model().equals(model) && r.task().equals(task)
                            && r.targetKind() == kind).forEach(r -> byGamma.computeIfAbsent(r.gamma(),
                            g -> new ArrayList<>()).add(r));
                    byGamma.forEach((g, list) -> rows.add(List.of(model, task, WaywardRow.kindName(kind), gamma(g),
                            pct(WaywardFindings.mean(list, WaywardRow::accuracy)),
                            f2(WaywardFindings.mean(list, WaywardRow::f1)),
                            String.format("%.4f", WaywardFindings.mean(list, WaywardRow::distance)),
                            pct(WaywardFindings.mean(list, WaywardRow::projectedAccuracy)),
                            String.format("%.4f", WaywardFindings.mean(list, WaywardRow::finalLoss)))));
                }
            }
        }
        return rows;
    }

    private List<List<String>> textRows() {
        List<List<String>> rows = new ArrayList<>();
        for (WaywardSelected s : outcome.selected()) {
            outcome.runs().stream().filter(r -> r.model().equals(s.model()) && r.task().equals(s.task())
                    && r.target().equals(s.target()) && r.gamma() == s.gamma()).findFirst()
                    .ifPresent(r -> rows.add(List.of(s.model(), s.task(), WaywardRow.kindName(s.targetKind()), s.target(),
                            r.projectedText(), f2(r.f1()), pct(r.accuracy()), pct(r.projectedAccuracy()))));
        }
        return rows;
    }

    private byte[] tradeOffChart(String model, String task, TargetKind kind, String title) {
        Map<String, Map<Double, double[]>> byTarget = new LinkedHashMap<>(); // target → γ → (acc sum, F1 sum, n)
        for (WaywardRow r : outcome.runs()) {
            if (r.model().equals(model) && r.task().equals(task) && r.targetKind() == kind) {
                double[] s = byTarget.computeIfAbsent(r.target(), t -> new TreeMap<>()).computeIfAbsent(r.gamma(),
                        g -> new double[3]);
                s[0] += r.accuracy();
                s[1] += r.f1();
                s[2]++;
            }
        }
        if (byTarget.isEmpty()) {
            return null;
        }
        List<LineChart.Series> series = new ArrayList<>();
        int i = 0;
        for (Map.Entry<String, Map<Double, double[]>> e : byTarget.entrySet()) {
            double[] x = e.getValue().values().stream().mapToDouble(s -> s[1] / s[2]).toArray();
            double[] y = e.getValue().values().stream().mapToDouble(s -> 100 * s[0] / s[2]).toArray();
            series.add(LineChart.Series.points(abbreviate(e.getKey(), 40), x, y, color(i++), false));
        }
        return LineChart.png(title, "prompt F1 (mean over seeds)", "accuracy [%]", series, Double.NaN, Double.NaN, 760,
                440, "#.##");
    }

    private byte[] selectedChart() {
        List<LineChart.Series> series = new ArrayList<>();
        List<WaywardSelected> compared = outcome.selected().stream().filter(s -> !Double.isNaN(s.gap())).toList();
        if (compared.isEmpty()) {
            return null; // no γ = 0 run to compare with
        }
        double[] x = new double[compared.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = i + 1;
        }
        series.add(LineChart.Series.points("best γ = 0, same length", x,
                compared.stream().mapToDouble(s -> 100 * s.bestGamma0Accuracy()).toArray(), color(0), true));
        series.add(LineChart.Series.points("selected (wayward) prompt", x,
                compared.stream().mapToDouble(s -> 100 * s.accuracy()).toArray(), color(1), false));
        return LineChart.png("Selected prompt against the best γ = 0 prompt", "target (row of the table above)",
                "accuracy [%]", series, Double.NaN, Double.NaN, 760, 440);
    }

    private byte[] sizeChart(boolean gap) {
        List<WaywardModel> models = outcome.models().stream().sorted(Comparator.comparingLong(WaywardModel::parameters))
                .toList();
        double[] x = models.stream().mapToDouble(m -> m.parameters() / 1e6).toArray();
        List<LineChart.Series> series = new ArrayList<>();
        int i = 0;
        for (TargetKind kind : kinds()) {
            double[] y = new double[models.size()];
            for (int m = 0; m < y.length; m++) {
                String ref = models.get(m).ref();
                List<WaywardSelected> own = outcome.selected().stream().filter(s -> s.model().equals(ref)
                        && s.targetKind() == kind && !Double.isNaN(s.gap())).toList();
                y[m] = gap ? 100 * WaywardFindings.mean(own, WaywardSelected::gap)
                        : WaywardFindings.mean(own, WaywardSelected::f1);
            }
            addPoints(series, WaywardRow.kindName(kind), x, y, color(i++));
        }
        if (series.isEmpty()) {
            return null;
        }
        return LineChart.png(gap ? "Gap to the best γ = 0 prompt against model size" : "Selected F1 against model size",
                "parameters [millions]", gap ? "gap [accuracy points]" : "prompt F1", series, Double.NaN, Double.NaN, 760,
                440, "#.#");
    }

    private byte[] lengthChart(boolean gap) {
        List<Integer> lengths = lengths();
        double[] x = lengths.stream().mapToDouble(l -> l).toArray();
        List<LineChart.Series> series = new ArrayList<>();
        int i = 0;
        for (String model : modelRefs()) {
            double[] y = new double[lengths.size()];
            for (int j = 0; j < y.length; j++) {
                int length = lengths.get(j);
                List<WaywardSelected> own = outcome.selected().stream().filter(s -> s.model().equals(model)
                        && s.targetKind() == TargetKind.UNRELATED && s.promptLength() == length
                        && !Double.isNaN(s.gap())).toList();
                y[j] = gap ? 100 * WaywardFindings.mean(own, WaywardSelected::gap)
                        : WaywardFindings.mean(own, WaywardSelected::f1);
            }
            addPoints(series, model, x, y, color(i++));
        }
        if (series.isEmpty()) {
            return null;
        }
        return LineChart.png(gap ? "Gap to the best γ = 0 prompt against prompt length" : "Selected F1 against prompt length",
                "prompt length P [tokens]", gap ? "gap [accuracy points]" : "prompt F1", series, Double.NaN, Double.NaN,
                760, 440);
    }

    /** The charts that have something to show (a chart without data is null), side by side. */
    private static void images(HtmlReport page, List<byte[]> charts, List<String> alts) {
        List<byte[]> shown = new ArrayList<>();
        List<String> shownAlts = new ArrayList<>();
        for (int i = 0; i < charts.size(); i++) {
            if (charts.get(i) != null) {
                shown.add(charts.get(i));
                shownAlts.add(alts.get(i));
            }
        }
        if (!shown.isEmpty()) {
            page.images(shown, shownAlts);
        }
    }

    /**
     * A line through the points whose y is known: a model may lack a kind or a length (its
     * tokenizer could not write those targets), and a chart shows what was measured.
     */
    private static void addPoints(List<LineChart.Series> series, String name, double[] x, double[] y,
            java.awt.Color color) {
        int[] known = java.util.stream.IntStream.range(0, y.length).filter(j -> !Double.isNaN(y[j])).toArray();
        if (known.length > 0) {
            series.add(LineChart.Series.points(name, Arrays.stream(known).mapToDouble(j -> x[j]).toArray(),
                    Arrays.stream(known).mapToDouble(j -> y[j]).toArray(), color, false));
        }
    }

    private List<Integer> lengths() {
        return outcome.selected().stream().filter(s -> s.targetKind() == TargetKind.UNRELATED)
                .map(WaywardSelected::promptLength).distinct().sorted().toList();
    }

    private List<String> modelRefs() {
        return outcome.models().stream().map(WaywardModel::ref).toList();
    }

    private List<String> taskNames() {
        return outcome.config().tasks().stream().map(WaywardTask::name).toList();
    }

    private List<TargetKind> kinds() {
        return outcome.runs().stream().map(WaywardRow::targetKind).distinct().sorted().toList();
    }

    private static java.awt.Color color(int i) {
        return LineChart.PALETTE.get(i % LineChart.PALETTE.size());
    }

    private static String abbreviate(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 3) + "...";
    }
}
