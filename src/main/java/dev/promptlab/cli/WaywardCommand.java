package dev.promptlab.cli;

import dev.promptlab.analysis.Projection;
import dev.promptlab.eval.Scoring;
import dev.promptlab.study.WaywardSelected;
import dev.promptlab.study.WaywardStudy;
import dev.promptlab.study.WaywardStudyConfig;
import dev.promptlab.study.WaywardTarget;
import dev.promptlab.study.WaywardTask;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * The prompt waywardness study (Khashabi et al. 2022) as one command: parses the options into a
 * {@link WaywardStudyConfig} and runs {@link WaywardStudy#run}.
 */
@Command(name = "wayward", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Prompt waywardness: train soft prompts that solve a task while their nearest-token projection"
                + " reads as a chosen target text (loss = task loss + gamma * ||P - E[target]||^2 / L), for every"
                + " model, task, target, gamma and seed; per target pick the most accurate gamma whose mean prompt F1"
                + " exceeds 0.98 and compare it with the best gamma = 0 prompt of the same length.",
            "Writes RUN/config.json, RUN/runs.jsonl (finished cells; --resume skips them), RUN/result.json and"
                    + " RUN/report.html. --quick runs the whole study on the shipped built-in models in minutes."})
final class WaywardCommand implements Callable<Integer> {
    @Option(names = "--quick", description = "small settings on builtin:tiny and builtin:small that finish in minutes;"
            + " options given as well override them")
    boolean quick;
    @Option(names = {"--model", "--models"}, split = ",",
            description = "model(s): directories or builtin:tiny|small|base; several = the size sweep")
    List<String> models;
    @Option(names = {"--task", "--tasks"}, split = ",",
            description = "built-in classification task(s), builtin:NAME (trained on train, scored on test)")
    List<String> tasks;
    @Option(names = "--train", description = "JSONL training file of {\"input\", \"output\"} (a task of your own)")
    Path trainFile;
    @Option(names = "--test", description = "JSONL test file, with --train")
    Path testFile;
    @Option(names = "--template", description = "rendering of an example for --train/--test (default \"{input} {output}\")")
    String template;
    @Option(names = "--labels", split = ",", description = "label words for --train/--test (default: the distinct outputs)")
    List<String> labels;
    @Option(names = "--targets", split = ",", description = "target sets: builtin:contradictory, builtin:true,"
            + " builtin:unrelated, or a file with one target text per line (default for built-in tasks: all three)")
    List<String> targets;
    @Option(names = "--targets-per-kind", description = "at most N texts of builtin:contradictory and builtin:true each"
            + " (default: all)")
    Integer targetsPerKind;
    @Option(names = "--lengths", split = ",", description = "token counts of the builtin:unrelated targets, the length"
            + " sweep (default 4,7,14,28,56); giving it adds builtin:unrelated to the targets")
    List<Integer> lengths;
    @Option(names = "--gammas", split = ",", description = "gamma grid (default 0,1e-4,5e-4,1e-3,3e-3,5e-3,0.01,0.03)")
    List<Double> gammas;
    @Option(names = "--seeds", split = ",", description = "training seeds (default 1,10,100)")
    List<Long> seeds;
    @Option(names = "--steps", description = "optimizer steps per prompt (default 2000)")
    Integer steps;
    @Option(names = "--batch-size", description = "training examples per step, per prompt (default 8)")
    Integer batchSize;
    @Option(names = "--lr", description = "AdamW learning rate, decayed linearly to 0 (default 0.01)")
    Double lr;
    @Option(names = "--clip", description = "gradient-norm clip per prompt, 0 = off (default 1.0)")
    Double clip;
    @Option(names = "--init", description = "prompt start: target (the target's embeddings) or vocab (default target)")
    String init;
    @Option(names = "--scoring", description = "verbalizer scoring: direct or channel (default direct)")
    String scoring;
    @Option(names = "--metric", description = "projection: l2, cosine or dot (default l2)")
    String metric;
    @Option(names = "--test-examples", description = "score at most N test examples, 0 = all (default all)")
    Integer testExamples;
    @Option(names = "--max-prompts", description = "prompts per training batch; larger cells are split (default 64)")
    Integer maxPrompts;
    @Option(names = "--resume", description = "continue the run in --out, skipping its finished cells")
    boolean resume;
    @Option(names = "--quiet", description = "no progress bars and no per-cell lines")
    boolean quiet;
    @Option(names = "--threads", defaultValue = "1", description = "CPU threads of the tensor engine (default ${DEFAULT-VALUE})")
    int threads;
    @Option(names = "--out", required = true, description = "run directory (must not exist or be empty, unless --resume)")
    Path out;

    @Override
    public Integer call() throws Exception {
        EngineThreads.set(threads);
        WaywardStudyConfig config = config();
        long start = System.nanoTime();
        WaywardStudy.Outcome outcome = WaywardStudy.run(config, out,
                new WaywardStudy.Options(resume, !quiet, Map.of("threads", threads)),
                line -> {
                    if (!quiet) {
                        System.err.printf("[%4.0f s] %s%n", (System.nanoTime() - start) / 1e9, line);
                    }
                });
        print(outcome);
        return 0;
    }

    /** The settings the options ask for: the quick or the paper's, with what was given instead. */
    WaywardStudyConfig config() {
        WaywardStudyConfig base = quick ? WaywardStudyConfig.quick() : null;
        List<WaywardTask> taskList = tasks();
        List<String> targetSets = targets != null ? new ArrayList<>(targets)
                : quick && tasks == null && trainFile == null ? new ArrayList<>(base.targets())
                : taskList.stream().allMatch(t -> t.builtinName() != null)
                ? new ArrayList<>(WaywardStudyConfig.ALL_BUILTIN_TARGETS) : null;
        if (targetSets == null) {
            throw new IllegalArgumentException("give --targets FILE (one target text per line): the built-in target"
                    + " sets need a built-in task");
        }
        String unrelated = WaywardStudyConfig.ALL_BUILTIN_TARGETS.get(2);
        if (lengths != null && !targetSets.contains(unrelated)) {
            targetSets.add(unrelated);
        }
        List<String> modelList = models != null ? models : quick ? base.models() : null;
        if (modelList == null) {
            throw new IllegalArgumentException("give --model DIR|builtin:NAME (or --models a,b,c), or --quick");
        }
        WaywardStudyConfig paper = WaywardStudyConfig.paper(modelList, taskList, targetSets);
        WaywardStudyConfig defaults = quick ? base : paper;
        WaywardStudyConfig chosen = new WaywardStudyConfig("custom", modelList, taskList, targetSets,
                or(targetsPerKind, defaults.targetsPerKind()), or(lengths, defaults.lengths()),
                or(gammas, defaults.gammas()), or(seeds, defaults.seeds()), or(steps, defaults.steps()),
                or(batchSize, defaults.batchSize()), or(lr, defaults.learningRate()), or(clip, defaults.clip()),
                init == null ? defaults.init() : WaywardStudyConfig.Init.parse(init),
                scoring == null ? defaults.scoring() : Scoring.parse(scoring),
                metric == null ? defaults.metric() : Projection.Metric.parse(metric),
                or(testExamples, defaults.testExamples()), or(maxPrompts, defaults.maxPrompts()), defaults.evalBatch());
        return chosen.withPreset(quick ? "quick" : chosen.trainsAs(paper) ? "paper" : "custom");
    }

    private List<WaywardTask> tasks() {
        if (trainFile != null || testFile != null) {
            if (tasks != null) {
                throw new IllegalArgumentException("give --task builtin:NAME or --train FILE --test FILE, not both");
            }
            return List.of(WaywardTask.files(trainFile, testFile, template, labels));
        }
        if (template != null || labels != null) {
            throw new IllegalArgumentException("--template and --labels apply to --train/--test; a built-in task brings"
                    + " its own (see promptlab tasks)");
        }
        if (tasks != null) {
            return tasks.stream().map(WaywardTask::builtin).toList();
        }
        if (quick) {
            return WaywardStudyConfig.quick().tasks();
        }
        throw new IllegalArgumentException("give --task builtin:NAME (or --tasks a,b), --train FILE --test FILE, or --quick");
    }

    private static <T> T or(T given, T otherwise) {
        return given != null ? given : otherwise;
    }

    private void print(WaywardStudy.Outcome outcome) {
        for (WaywardTarget t : outcome.flagged()) {
            System.out.printf("not scored (%s, %s): \"%s\" (%s): the tokenizer cannot write %s%n", t.model(), t.task(),
                    t.text(), t.source(), String.join(", ", t.unknownWords()));
        }
        System.out.printf("%nSelected prompt per target: mean over %d seeds; gap = best gamma = 0 accuracy of the same"
                + " length - selected accuracy%n", outcome.config().seeds().size());
        System.out.printf("%-14s %-22s %-13s %3s %7s %8s %5s %8s %7s%n", "model", "task", "kind", "P", "gamma", "accuracy",
                "F1", "best γ=0", "gap");
        for (WaywardSelected s : outcome.selected()) {
            System.out.printf("%-14s %-22s %-13s %3d %7s %8.3f %5.2f %8.3f %7.3f%s%n", abbreviate(s.model(), 14),
                    abbreviate(s.task(), 22), s.targetKind().name().toLowerCase(), s.promptLength(),
                    WaywardStudyConfig.gammaText(s.gamma()), s.accuracy(), s.f1(), s.bestGamma0Accuracy(), s.gap(),
                    s.meetsThreshold() ? "" : "  (no gamma reaches F1 > 0.98)");
        }
        System.out.printf("%nwrote %s and %s (%.0f s)%n", out.resolve("result.json"), out.resolve("report.html"),
                outcome.seconds());
    }

    private static String abbreviate(String s, int max) {
        return s.length() <= max ? s : "…" + s.substring(s.length() - max + 1);
    }
}
