package dev.promptlab.study;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptlab.eval.Metric;
import dev.promptlab.study.TuneResult.Spread;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The study's figures, computed from the results store and the predictions files: the headline
 * table (mean ± std over seeds of every metric), the length sweep, the similarity bins (IPT − PT
 * per equal-count bin of the test inputs' similarity to their nearest training example, per seed,
 * then mean ± std) and the transfer matrix. Everything is recomputed from what is on disk, so a
 * resumed study reports the same figures as an uninterrupted one.
 */
final class IclAnalysis {
    /** One method at one k and P on one task and model: every metric over the seeds. */
    record Row(String model, String task, String method, int shots, int promptLength, List<Long> seeds,
            Map<String, double[]> perSeed, Spread finalLoss, int dropped, int trainingDropped, double seconds) {
        Spread metric(String name) {
            return Spread.of(perSeed.get(name));
        }
    }

    /** One bin of test inputs by the similarity of their nearest training example. */
    record Bin(String model, String task, int shots, int index, double low, double high, int n, Spread pt, Spread ipt,
            Spread difference) {}

    /** A PT prompt of {@code source} with {@code target}'s demonstrations, against ICL with them alone. */
    record Transfer(String model, String source, String target, int shots, Spread prompted, double icl) {
        double gain() {
            return prompted.mean() - icl;
        }
    }

    final List<Row> rows = new ArrayList<>();
    final List<Bin> bins = new ArrayList<>();
    final List<Transfer> transfers = new ArrayList<>();
    /** Per task, its metrics (the headline first). */
    final Map<String, List<String>> metrics = new LinkedHashMap<>();

    private IclAnalysis() {}

    static IclAnalysis of(IclStudyConfig config, Map<String, List<Metric>> taskMetrics, IclResults results, Path runDir)
            throws IOException {
        IclAnalysis a = new IclAnalysis();
        taskMetrics.forEach((t, m) -> a.metrics.put(t, m.stream().map(Metric::label).toList()));
        for (ObjectNode c : results.all()) {
            if (c.get("kind").asText().equals("run")) {
                a.rows.add(row(c));
            }
        }
        List<String> models = config.models().stream().map(IclStudy::modelName).toList();
        List<String> tasks = config.tasks().stream().map(IclTask::name).toList();
        a.rows.sort(Comparator.comparingInt((Row r) -> models.indexOf(r.model())).thenComparingInt(r -> tasks.indexOf(r.task()))
                .thenComparing(r -> IclMethod.byLabel(r.method()).ordinal()).thenComparingInt(Row::shots)
                .thenComparingInt(Row::promptLength));
        for (ObjectNode c : results.all()) {
            if (c.get("kind").asText().equals("transfer")) {
                String headline = a.headline(c.get("task").asText());
                a.transfers.add(new Transfer(c.get("model").asText(), c.get("source").asText(), c.get("task").asText(),
                        c.get("shots").asInt(), Spread.of(doubles(c.get("metrics").get(headline))),
                        c.get("icl").get(headline).asDouble()));
            }
        }
        if (config.hasBins()) {
            for (ObjectNode c : results.all()) {
                if (c.get("kind").asText().equals("similarity")) {
                    a.addBins(config, taskMetrics, results, c, runDir);
                }
            }
        }
        return a;
    }

    /** The headline metric of a task (its first). */
    String headline(String task) {
        return metrics.get(task).get(0);
    }

    /** The row of a method at k and P, or null. */
    Row find(String model, String task, String method, int shots, int promptLength) {
        return rows.stream().filter(r -> r.model().equals(model) && r.task().equals(task) && r.method().equals(method)
                && r.shots() == shots && r.promptLength() == promptLength).findFirst().orElse(null);
    }

    private static Row row(ObjectNode c) {
        List<Long> seeds = new ArrayList<>();
        c.get("seeds").forEach(s -> seeds.add(s.asLong()));
        Map<String, double[]> perSeed = new LinkedHashMap<>();
        c.get("metrics").fields().forEachRemaining(e -> perSeed.put(e.getKey(), doubles(e.getValue())));
        int dropped = 0;
        for (JsonNode d : c.get("dropped")) {
            dropped += d.asInt();
        }
        return new Row(c.get("model").asText(), c.get("task").asText(), c.get("method").asText(), c.get("shots").asInt(),
                c.get("prompt_length").asInt(), seeds, perSeed, c.has("final_loss") ? Spread.of(doubles(c.get("final_loss")))
                        : null, dropped, c.path("training_dropped").asInt(0), c.get("seconds").asDouble());
    }

    /** Bins of one task's test inputs, for every k at which both PT and IPT ran at the headline P. */
    private void addBins(IclStudyConfig config, Map<String, List<Metric>> taskMetrics, IclResults results,
            ObjectNode similarity, Path runDir) throws IOException {
        String model = similarity.get("model").asText();
        String task = similarity.get("task").asText();
        double[] sim = doubles(similarity.get("values"));
        Integer[] order = new Integer[sim.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, Comparator.comparingDouble((Integer i) -> sim[i]).thenComparingInt(i -> i));
        Metric metric = taskMetrics.get(task).get(0);
        ObjectNode ptCell = results.get(IclResults.key("run", model, task, IclMethod.PT.label(), 0, config.promptLength()));
        if (ptCell == null) {
            return;
        }
        for (int k : config.shots()) {
            ObjectNode iptCell = results.get(IclResults.key("run", model, task, IclMethod.IPT.label(), k, config.promptLength()));
            if (iptCell == null) {
                continue;
            }
            List<IclPredictions.Lines> pt = lines(ptCell, runDir);
            List<IclPredictions.Lines> ipt = lines(iptCell, runDir);
            int b = Math.min(config.bins(), sim.length);
            for (int bin = 0; bin < b; bin++) {
                int from = bin * sim.length / b;
                int to = (bin + 1) * sim.length / b;
                List<Integer> members = java.util.Arrays.asList(order).subList(from, to);
                double[] p = new double[pt.size()];
                double[] q = new double[pt.size()];
                double[] d = new double[pt.size()];
                for (int s = 0; s < pt.size(); s++) {
                    p[s] = score(metric, pt.get(s), members);
                    q[s] = score(metric, ipt.get(s), members);
                    d[s] = q[s] - p[s];
                }
                bins.add(new Bin(model, task, k, bin, sim[order[from]], sim[order[to - 1]], to - from, Spread.of(p),
                        Spread.of(q), Spread.of(d)));
            }
        }
    }

    private static List<IclPredictions.Lines> lines(ObjectNode cell, Path runDir) throws IOException {
        List<IclPredictions.Lines> out = new ArrayList<>();
        for (JsonNode f : cell.get("predictions")) {
            out.add(IclPredictions.read(runDir.resolve(f.asText())));
        }
        return out;
    }

    private static double score(Metric metric, IclPredictions.Lines lines, List<Integer> members) {
        List<String> p = new ArrayList<>();
        List<String> r = new ArrayList<>();
        for (int i : members) {
            p.add(lines.predictions().get(i));
            r.add(lines.references().get(i));
        }
        return metric.score(p, r);
    }

    static double[] doubles(JsonNode array) {
        double[] out = new double[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asDouble();
        }
        return out;
    }

    /** One log line for a finished cell: what ran and its headline metric over the seeds. */
    static String describe(ObjectNode cell, String headline) {
        String kind = cell.get("kind").asText();
        Spread s = Spread.of(doubles(cell.get("metrics").get(headline)));
        StringBuilder line = new StringBuilder(String.format("%s %s %s k=%d%s: %s %.3f ± %.3f (%d seed%s)",
                cell.get("model").asText(), cell.get("task").asText(), cell.get("method").asText(), cell.get("shots").asInt(),
                cell.get("prompt_length").asInt() > 0 ? " P=" + cell.get("prompt_length").asInt() : "", headline, s.mean(),
                s.std(), s.n(), s.n() == 1 ? "" : "s"));
        if (kind.equals("transfer")) {
            line.append(String.format(", ICL alone %.3f", cell.get("icl").get(headline).asDouble()));
        }
        if (cell.has("final_loss")) {
            line.append(String.format(", final loss %.3f", Spread.of(doubles(cell.get("final_loss"))).mean()));
        }
        int dropped = 0;
        for (JsonNode d : cell.get("dropped")) {
            dropped += d.asInt();
        }
        if (dropped > 0 || cell.path("training_dropped").asInt(0) > 0) {
            line.append(String.format(", demonstrations dropped for context: %d at test, %d in training", dropped,
                    cell.path("training_dropped").asInt(0)));
        }
        return line.append(String.format(" (%.0f s)", cell.get("seconds").asDouble())).toString();
    }
}
