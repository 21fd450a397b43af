package dev.promptlab.study;

import dev.promptlab.analysis.TargetKind;
import dev.promptlab.analysis.TargetText;
import dev.promptlab.analysis.WaywardTargets;
import dev.promptlab.model.LoadedModel;
import dev.promptlab.task.Encoder;
import dev.promptlab.task.Example;
import dev.promptlab.tokenize.Tokenizer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The waywardness study's grid, resolved and checked before anything is written: every model
 * loads and has input embeddings to project onto, every task loads, every target set resolves
 * under each model's tokenizer (targets it cannot write are flagged, not scored), and every
 * example fits the context after the longest prompt. Bad input fails here, naming the value.
 */
record WaywardPlan(List<ModelPlan> models) {

    /** One model's share of the grid. */
    record ModelPlan(WaywardModel model, List<TaskPlan> tasks) {}

    /**
     * One (model, task): its data, its targets (the scored ones and the flagged ones) and its cells.
     *
     * @param test the test examples the study scores (capped)
     */
    record TaskPlan(WaywardTask task, WaywardTask.Loaded data, List<Example> test, List<TargetText> targets,
            List<TargetText> flagged, List<WaywardCell> cells, List<WaywardTarget> described) {}

    /** Every cell of the grid, model by model. */
    List<WaywardCell> cells() {
        List<WaywardCell> out = new ArrayList<>();
        models.forEach(m -> m.tasks().forEach(t -> out.addAll(t.cells())));
        return out;
    }

    static WaywardPlan prepare(WaywardStudyConfig config, Consumer<String> log) throws IOException {
        Map<String, WaywardTask.Loaded> data = new LinkedHashMap<>();
        for (WaywardTask task : config.tasks()) {
            data.put(task.name(), task.load());
        }
        List<ModelPlan> models = new ArrayList<>();
        for (String ref : config.models()) {
            try (LoadedModel loaded = ModelSource.load(ref)) {
                WaywardModel model = WaywardModel.of(ref, loaded.model(), loaded.tokenizer());
                List<TaskPlan> tasks = new ArrayList<>();
                for (WaywardTask task : config.tasks()) {
                    tasks.add(taskPlan(config, model, task, data.get(task.name()), loaded.tokenizer(), log));
                }
                models.add(new ModelPlan(model, tasks));
            }
        }
        return new WaywardPlan(models);
    }

    private static TaskPlan taskPlan(WaywardStudyConfig config, WaywardModel model, WaywardTask task,
            WaywardTask.Loaded data, Tokenizer tokenizer, Consumer<String> log) {
        List<TargetText> all = targets(config, task, tokenizer, model.context());
        List<TargetText> writable = WaywardTargets.writable(all);
        List<TargetText> flagged = WaywardTargets.flagged(all);
        for (TargetText t : flagged) {
            log.accept(model.ref() + ", " + task.name() + ": not scored, target " + t.describe());
        }
        if (writable.isEmpty()) {
            throw new IllegalArgumentException("model " + model.ref() + ", task " + task.name() + ": the tokenizer"
                    + " cannot write any of the " + all.size() + " targets; nothing to study");
        }
        List<Example> test = data.test().examples();
        if (config.testExamples() > 0 && test.size() > config.testExamples()) {
            test = test.subList(0, config.testExamples());
        }
        int longest = writable.stream().mapToInt(TargetText::promptLength).max().orElseThrow();
        Encoder encoder = new Encoder(tokenizer, data.train().template());
        // every example must fit after the longest prompt; the error names the example and the numbers
        encoder.encodeAll(data.train().examples(), false, longest, model.context(), task.name() + " (train)");
        encoder.encodeAll(test, false, longest, model.context(), task.name() + " (test)");
        List<WaywardTarget> described = all.stream().map(t -> WaywardTarget.of(model.ref(), task.name(), t, tokenizer))
                .toList();
        return new TaskPlan(task, data, List.copyOf(test), writable, flagged, cells(config, model.ref(), task.name(),
                writable), described);
    }

    /** The targets of every set of the config, in order; a text given by two sets is an error. */
    static List<TargetText> targets(WaywardStudyConfig config, WaywardTask task, Tokenizer tokenizer, int context) {
        List<TargetText> out = new ArrayList<>();
        Map<String, TargetText> seen = new HashMap<>();
        for (String spec : config.targets()) {
            List<TargetText> set;
            if (spec.equals(TargetKind.UNRELATED.ref())) {
                set = WaywardTargets.unrelated(task.builtinName(), tokenizer, context, config.lengths(), 1);
            } else if (spec.startsWith(WaywardTargets.BUILTIN_PREFIX)) {
                set = capped(WaywardTargets.resolve(spec, task.builtinName(), tokenizer, context),
                        config.targetsPerKind());
            } else {
                set = WaywardTargets.fromFile(Path.of(spec), tokenizer, context);
            }
            for (TargetText t : set) {
                TargetText before = seen.putIfAbsent(t.text(), t);
                if (before != null) {
                    throw new IllegalArgumentException("target \"" + t.text() + "\" is given twice (" + before.source()
                            + " and " + t.source() + "); each target text may appear once");
                }
                out.add(t);
            }
        }
        return out;
    }

    /**
     * The first {@code cap} targets the tokenizer can write (0: all), with the flagged ones met on
     * the way: those are reported, and the cap counts only what can be scored.
     */
    static List<TargetText> capped(List<TargetText> set, int cap) {
        if (cap == 0) {
            return set;
        }
        List<TargetText> out = new ArrayList<>();
        int writable = 0;
        for (TargetText t : set) {
            if (writable == cap) {
                break;
            }
            out.add(t);
            writable += t.writable() ? 1 : 0;
        }
        return out;
    }

    /** The cells of one (model, task): its targets grouped by length, × γ × seeds, in batches of at most maxPrompts. */
    static List<WaywardCell> cells(WaywardStudyConfig config, String model, String task, List<TargetText> targets) {
        Map<Integer, List<WaywardCell.Member>> byLength = new TreeMap<>();
        for (TargetText t : targets) {
            for (double gamma : config.gammas()) {
                for (long seed : config.seeds()) {
                    byLength.computeIfAbsent(t.promptLength(), l -> new ArrayList<>())
                            .add(new WaywardCell.Member(t, gamma, seed));
                }
            }
        }
        List<WaywardCell> cells = new ArrayList<>();
        byLength.forEach((length, members) -> {
            int parts = (members.size() + config.maxPrompts() - 1) / config.maxPrompts();
            // parts of equal size (within one), so no part is a small leftover batch
            for (int p = 0; p < parts; p++) {
                int from = (int) ((long) members.size() * p / parts);
                int to = (int) ((long) members.size() * (p + 1) / parts);
                cells.add(new WaywardCell(model, task, length, p + 1, parts, members.subList(from, to)));
            }
        });
        return cells;
    }
}
