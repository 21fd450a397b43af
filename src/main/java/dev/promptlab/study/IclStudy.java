package dev.promptlab.study;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptlab.eval.Metric;
import dev.promptlab.model.LoadedModel;
import dev.promptlab.study.builtin.BuiltinModels;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The ICL study (Sun et al. 2023, {@code docs/papers/icl-prompt-tuning.md}): in-context learning
 * with random or retrieved demonstrations, prompt tuning and instruction prompt tuning (retrieved
 * or fixed demonstrations) on frozen models and generation tasks, over seeds; a prompt-length
 * sweep, similarity bins and a transfer matrix. The library entry point of
 * {@code promptlab icl-study}.
 *
 * <p>A run directory holds {@code config.json} (the settings; a resumed run must match them),
 * {@code cells.jsonl} (the results store: one line per finished cell), {@code predictions/MODEL/TASK/
 * METHOD-kK-seedS.jsonl}, the trained prompts as PEFT adapters under {@code adapters/}, and at the
 * end {@code result.json} and {@code report.html}. Cells are independent: a stopped study resumes
 * ({@code resume}) by skipping the cells in the store. Bad settings or data fail before anything
 * is written, and a fresh run that fails before its first cell leaves no directory behind.
 */
public final class IclStudy {
    /** What messages call this kind of run. */
    static final String KIND = "icl-study";

    private IclStudy() {}

    /** What a run wrote: its directory, the result.json content and the seconds this call took. */
    public record Outcome(Path dir, ObjectNode result, double seconds) {}


    /** The quick study into {@code out} (fresh): built-in models and tasks, a few minutes on two cores. */
    public static Outcome quick(Path out, Consumer<String> log) throws IOException {
        return run(IclStudyConfig.quick(), out, false, log);
    }

    /** Runs (or, with {@code resume}, continues) the study; one line per finished cell goes to {@code log}. */
    public static Outcome run(IclStudyConfig config, Path out, boolean resume, Consumer<String> log) throws IOException {
        long t0 = System.nanoTime();
        ObjectNode settings = IclReport.settingsJson(config);
        StudyDirectory.check(out, resume, KIND, settings); // before the tasks are read
        List<IclTask.Loaded> tasks = prepare(config);
        try (StudyDirectory directory = StudyDirectory.open(out, resume, KIND, settings)) {
            try {
                IclResults results = IclResults.open(out);
                for (String ref : config.models()) {
                    runModel(config, ref, tasks, out, results, log);
                }
                Map<String, List<Metric>> metrics = new LinkedHashMap<>();
                Map<String, int[]> sizes = new LinkedHashMap<>();
                for (IclTask.Loaded t : tasks) {
                    metrics.put(t.name(), t.metrics());
                    sizes.put(t.name(), new int[] {t.train().size(), t.test().size()});
                }
                double seconds = (System.nanoTime() - t0) / 1e9;
                IclReport report = new IclReport(config, IclAnalysis.of(config, metrics, results, out), sizes, seconds);
                report.write(out);
                return new Outcome(out, report.resultJson(), seconds);
            } catch (IOException | RuntimeException e) {
                if (!resume && !Files.isRegularFile(out.resolve(IclResults.FILE))) {
                    RunDirectory.deleteContents(out); // nothing finished yet: leave no half-made run behind
                }
                throw e;
            }
        }
    }

    private static void runModel(IclStudyConfig config, String ref, List<IclTask.Loaded> tasks, Path out,
            IclResults results, Consumer<String> log) throws IOException {
        String model = modelName(ref);
        try (LoadedModel loaded = ModelSource.load(ref)) {
            Map<String, IclTaskRun> runs = new LinkedHashMap<>();
            try {
                for (IclTask.Loaded t : tasks) {
                    IclTaskRun run = new IclTaskRun(config, model, loaded, t, out, results, log);
                    runs.put(t.name(), run);
                    run.runCells();
                }
                if (config.hasTransfer()) {
                    for (IclTaskRun target : runs.values()) {
                        for (String source : runs.keySet()) {
                            target.transferFrom(source);
                        }
                    }
                }
            } finally {
                runs.values().forEach(IclTaskRun::close);
            }
        }
    }

    /**
     * Reads every task and checks the settings against the data, before anything is written: k
     * must leave each training example other examples to show (k ≤ training examples − 1), and the
     * models must have distinct names in file paths.
     */
    static List<IclTask.Loaded> prepare(IclStudyConfig config) {
        Set<String> names = new HashSet<>();
        for (String m : config.models()) {
            if (!names.add(modelName(m))) {
                throw new IllegalArgumentException("two models are both named '" + modelName(m)
                        + "' in the run directory; give directories with different names");
            }
        }
        List<IclTask.Loaded> out = new ArrayList<>();
        for (IclTask t : config.tasks()) {
            IclTask.Loaded loaded = t.load(config.maxTrain(), config.maxTest());
            int n = loaded.train().size();
            boolean demonstrations = config.methods().stream().anyMatch(IclMethod::usesDemonstrations);
            if (demonstrations && config.maxShots() > n - 1) {
                throw new IllegalArgumentException("k = " + config.maxShots() + " demonstrations is larger than task "
                        + t.name() + "'s training set allows: it has " + n + " training example" + (n == 1 ? "" : "s")
                        + ", and a training example's demonstrations come from the other " + (n - 1)
                        + " (allowed: --shots up to " + (n - 1) + ")");
            }
            out.add(loaded);
        }
        return out;
    }

    /** How files name a model: {@code builtin-NAME}, or the directory's name. */
    public static String modelName(String ref) {
        if (BuiltinModels.isRef(ref)) {
            return "builtin-" + ref.substring(BuiltinModels.PREFIX.length());
        }
        Path p = Path.of(ref).toAbsolutePath().normalize();
        String name = p.getFileName() == null ? "model" : p.getFileName().toString();
        return name.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    /** The findings of a finished run, read from its result.json. */
    public static List<Finding> findings(Path runDir) throws IOException {
        JsonNode result = IclReport.JSON.readTree(runDir.resolve("result.json").toFile());
        List<Finding> out = new ArrayList<>();
        for (JsonNode f : result.get("findings")) {
            Finding.Verdict verdict = f.get("agrees").isNull() ? Finding.Verdict.NOT_MEASURED
                    : Finding.Verdict.of(f.get("agrees").asBoolean());
            out.add(new Finding(f.get("claim").asText(), f.get("measured").asText(), verdict));
        }
        return out;
    }

    /**
     * One paragraph for a reproduction index: the paper's claims, this run's figures and whether
     * they agree, read from the run's result.json.
     */
    public static String summary(Path runDir) throws IOException {
        JsonNode result = IclReport.JSON.readTree(runDir.resolve("result.json").toFile());
        JsonNode s = result.get("settings");
        List<String> models = new ArrayList<>();
        s.get("models").forEach(m -> models.add(m.asText()));
        List<String> tasks = new ArrayList<>();
        result.get("tasks").fieldNames().forEachRemaining(tasks::add);
        StringBuilder p = new StringBuilder(String.format("ICL vs prompt tuning vs instruction prompt tuning (Sun et al."
                + " 2023), %s settings: %s on %s, %d seed(s), P = %d, k = %s. ", s.get("preset").asText(),
                String.join(", ", models), String.join(", ", tasks), s.get("seeds").size(), s.get("prompt_length").asInt(),
                s.get("shots").toString()));
        for (Finding f : findings(runDir)) {
            p.append(f.claim().replaceAll("\\.$", "")).append(" — ")
                    .append(f.verdict().label())
                    .append(f.verdict() == Finding.Verdict.NOT_MEASURED ? "" : " (" + f.measured() + ")").append(". ");
        }
        List<String> withoutTasks = models.stream().filter(BuiltinModels::isRef)
                .filter(m -> !BuiltinModels.recipe(BuiltinModels.nameOf(m)).iclStudyTasks()).toList();
        if (!withoutTasks.isEmpty()) {
            p.append(String.join(", ", withoutTasks) + " was pretrained without these generation tasks (its recipe's"
                    + " switch iclStudyTasks is off), and small models need a task family in pretraining before a soft"
                    + " prompt can steer them to it, so its figures on them say little.");
        }
        return p.toString().trim();
    }
}
