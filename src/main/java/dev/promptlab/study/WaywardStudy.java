package dev.promptlab.study;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptlab.model.LoadedModel;
import dev.promptlab.task.EncodedExample;
import dev.promptlab.task.Encoder;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The prompt waywardness study (Khashabi et al. 2022) as one library call: for every model,
 * task and target text, soft prompts are trained on the task while a term γ·‖P − E[target]‖²/L
 * pulls them towards the target's embeddings; each is scored on the task, projected onto the
 * vocabulary and compared with its target by prompt F1, and per target the paper's rule picks
 * the γ whose prompt reads as the target (mean F1 &gt; 0.98) at the least cost in accuracy.
 *
 * <p>The run directory: {@code config.json} (the resolved settings, written first),
 * {@code runs.jsonl} (the results store: a finished cell adds its rows at once), then
 * {@code result.json} and {@code report.html}. Cells are (model, task, prompt length), each one
 * multi-prompt batch (or a few, when large); {@code resume} skips the cells the store holds and
 * refuses different settings. The directory is locked for the run ({@link StudyDirectory}). Bad
 * input fails before anything is written, and a fresh run that fails before its first cell leaves
 * no directory behind.
 */
public final class WaywardStudy {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    /** What messages call this kind of run. */
    static final String KIND = "wayward";

    private WaywardStudy() {}

    /**
     * How a run is carried out (not what it studies).
     *
     * @param resume continue the run in the directory, skipping its finished cells
     * @param progress show progress bars while training
     * @param recorded extra settings to record in result.json (e.g. engine threads); not compared on resume
     */
    public record Options(boolean resume, boolean progress, Map<String, Object> recorded) {
        public Options {
            recorded = Map.copyOf(recorded);
        }
    }

    /**
     * What a run produced.
     *
     * @param targets every target of every (model, task), scored or flagged
     * @param runs one row per trained prompt, in grid order
     * @param selected the chosen γ per (model, task, target)
     * @param cellsRun cells trained by this call
     * @param cellsSkipped cells an earlier run had finished
     * @param seconds wall time of this call
     */
    public record Outcome(WaywardStudyConfig config, List<WaywardModel> models, List<WaywardTarget> targets,
            List<WaywardRow> runs, List<WaywardSelected> selected, int cellsRun, int cellsSkipped, double seconds) {

        /** The targets that were not scored because the tokenizer cannot write them. */
        public List<WaywardTarget> flagged() {
            return targets.stream().filter(WaywardTarget::flagged).toList();
        }
    }

    /** Runs (or resumes) the study into {@code out}; {@code log} hears one line per cell and per flagged target. */
    public static Outcome run(WaywardStudyConfig config, Path out, Options options, Consumer<String> log)
            throws IOException {
        long start = System.nanoTime();
        RunDirectory.require(out, options.resume(), false, StudyDirectory.CONFIG, KIND); // before the models load
        WaywardPlan plan = WaywardPlan.prepare(config, log);
        List<WaywardModel> models = plan.models().stream().map(WaywardPlan.ModelPlan::model).toList();
        List<WaywardTarget> targets = new ArrayList<>();
        plan.models().forEach(m -> m.tasks().forEach(t -> targets.addAll(t.described())));
        ObjectNode settings = WaywardReport.settingsJson(config, plan);
        try (StudyDirectory directory = StudyDirectory.open(out, options.resume(), KIND, settings)) {
            WaywardResults store = null;
            try {
                store = WaywardResults.open(out);
                int[] counts = new int[2];
                for (WaywardPlan.ModelPlan m : plan.models()) {
                    runModel(config, m, store, options.progress(), counts, log);
                }
                List<WaywardRow> rows = inGridOrder(plan, store);
                Outcome outcome = new Outcome(config, models, targets, rows, WaywardSelected.of(rows), counts[0],
                        counts[1], (System.nanoTime() - start) / 1e9);
                new WaywardReport(outcome, settings, options.recorded()).write(out);
                return outcome;
            } catch (RuntimeException | IOException e) {
                if (!options.resume() && (store == null || store.rows().isEmpty())) {
                    RunDirectory.deleteContents(out); // nothing finished: leave no half-written run behind
                }
                throw e;
            }
        }
    }

    /** The cells of one model that are not finished yet; the model is loaded only when there are some. */
    private static void runModel(WaywardStudyConfig config, WaywardPlan.ModelPlan m, WaywardResults store,
            boolean progress, int[] counts, Consumer<String> log) throws IOException {
        List<WaywardCell> pending = new ArrayList<>();
        for (WaywardPlan.TaskPlan t : m.tasks()) {
            for (WaywardCell c : t.cells()) {
                if (store.finished(c.key())) {
                    counts[1]++;
                    log.accept("done before: " + c.key());
                } else {
                    pending.add(c);
                }
            }
        }
        if (pending.isEmpty()) {
            return;
        }
        try (LoadedModel loaded = ModelSource.load(m.model().ref())) {
            for (WaywardPlan.TaskPlan t : m.tasks()) {
                Encoder encoder = new Encoder(loaded.tokenizer(), t.data().train().template());
                List<EncodedExample> train = encoder.encodeAll(t.data().train().examples(), false, 0,
                        m.model().context(), t.task().name());
                WaywardCellRun runner = new WaywardCellRun(config, loaded, encoder, train, t.test(),
                        t.data().train().labels(), progress);
                for (WaywardCell c : t.cells()) {
                    if (!pending.contains(c)) {
                        continue;
                    }
                    long t0 = System.nanoTime();
                    List<WaywardRow> rows = runner.run(c);
                    store.append(c.key(), rows);
                    counts[0]++;
                    log.accept(String.format("%s: %d prompts in %.0f s; %s", c.key(), rows.size(),
                            (System.nanoTime() - t0) / 1e9, summary(rows)));
                }
            }
        }
    }

    /** Mean accuracy and F1 per γ of a cell's rows: "γ=0 acc 0.612 F1 0.31, γ=0.01 ...". */
    static String summary(List<WaywardRow> rows) {
        Map<Double, double[]> byGamma = new TreeMap<>();
        for (WaywardRow r : rows) {
            double[] s = byGamma.computeIfAbsent(r.gamma(), g -> new double[3]);
            s[0] += r.accuracy();
            s[1] += r.f1();
            s[2]++;
        }
        List<String> parts = new ArrayList<>();
        byGamma.forEach((g, s) -> parts.add(String.format("γ=%s acc %.3f F1 %.2f", WaywardReport.gamma(g), s[0] / s[2],
                s[1] / s[2])));
        return String.join(", ", parts);
    }

    /** The stored rows in the plan's cell order, whatever order an interrupted run finished them in. */
    private static List<WaywardRow> inGridOrder(WaywardPlan plan, WaywardResults store) {
        Map<String, List<WaywardRow>> byCell = new LinkedHashMap<>();
        for (WaywardCell c : plan.cells()) {
            byCell.put(c.key(), store.rowsOf(c.key()));
        }
        List<WaywardRow> out = new ArrayList<>();
        byCell.values().forEach(out::addAll);
        return out;
    }
}
