package dev.promptlab.study;

import dev.promptlab.analysis.Projection;
import dev.promptlab.analysis.WaywardSelection;
import dev.promptlab.eval.Scoring;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Settings of the waywardness study (Khashabi et al. 2022), validated on construction with
 * messages naming the value. The grid is models × tasks × target texts × γ × seeds; the prompts
 * of one (model, task, prompt length) train together.
 *
 * @param preset where these settings came from ("paper", "quick" or "custom"), for the report
 * @param models model references ({@code builtin:tiny|small|base} or directories): the size sweep
 * @param tasks classification tasks
 * @param targets target sets: {@code builtin:contradictory}, {@code builtin:true},
 *     {@code builtin:unrelated} (one text per length of {@code lengths}) or a file path
 * @param targetsPerKind at most this many scored texts of each fixed built-in set (contradictory, true), the
 *     first the tokenizer can write (the flagged ones before them are reported); 0 = all
 * @param lengths token counts of the unrelated targets: the prompt-length sweep
 * @param gammas weights γ of the distance term, each finite and &ge; 0; 0 is plain prompt tuning
 * @param seeds training seeds; every (target, γ) trains once per seed
 * @param steps optimizer steps of every prompt
 * @param batchSize training examples per step, per prompt
 * @param learningRate AdamW's peak rate, decayed linearly to 0 (no warm-up, no weight decay)
 * @param clip gradient-norm clip per prompt (0: off)
 * @param init how a prompt starts: the target's embeddings or random vocabulary rows
 * @param scoring direct or channel verbalizer scoring
 * @param metric nearest-token projection
 * @param testExamples at most this many test examples (the first of the test split); 0 = all
 * @param maxPrompts at most this many prompts in one training batch; larger cells are split
 * @param evalBatch (example, label) pairs per evaluation forward pass
 */
public record WaywardStudyConfig(String preset, List<String> models, List<WaywardTask> tasks, List<String> targets,
        int targetsPerKind, List<Integer> lengths, List<Double> gammas, List<Long> seeds, int steps, int batchSize,
        double learningRate, double clip, Init init, Scoring scoring, Projection.Metric metric, int testExamples,
        int maxPrompts, int evalBatch) {

    /** The paper's γ grid. */
    public static final List<Double> PAPER_GAMMAS = List.of(0.0, 1e-4, 5e-4, 1e-3, 3e-3, 5e-3, 0.01, 0.03);
    /** The paper's prompt lengths of the length study. */
    public static final List<Integer> PAPER_LENGTHS = List.of(4, 7, 14, 28, 56);
    /** Every built-in target set. */
    public static final List<String> ALL_BUILTIN_TARGETS = List.of("builtin:contradictory", "builtin:true",
            "builtin:unrelated");

    /** How a prompt starts. */
    public enum Init {
        /** The target text's token embeddings: the projection reads as the target at step 0 (the paper's default). */
        TARGET,
        /** P rows of the embedding matrix drawn at random (by the seed). */
        VOCAB;

        /** The command line's spelling: target, vocab. */
        public static Init parse(String s) {
            switch (s.toLowerCase(Locale.ROOT)) {
                case "target": return TARGET;
                case "vocab": return VOCAB;
                default: throw new IllegalArgumentException("unknown --init '" + s + "' (allowed: target, vocab)");
            }
        }

        public String cliName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public WaywardStudyConfig {
        nonEmpty("models", models);
        distinct("model", models);
        nonEmpty("tasks", tasks);
        distinct("task", tasks.stream().map(WaywardTask::name).toList());
        nonEmpty("targets", targets);
        distinct("target set", targets);
        for (String t : targets) {
            if (t == null || t.isBlank()) {
                throw new IllegalArgumentException("a target set is blank; give a file or one of "
                        + String.join(", ", ALL_BUILTIN_TARGETS));
            }
        }
        range("targets per kind", targetsPerKind, 0, 1000);
        nonEmpty("lengths", lengths);
        distinct("length", lengths);
        for (int l : lengths) {
            range("unrelated target length", l, 1, 4096);
        }
        nonEmpty("gammas", gammas);
        distinct("gamma", gammas);
        for (double g : gammas) {
            if (!(g >= 0) || Double.isInfinite(g)) {
                throw new IllegalArgumentException("gamma must be a finite number >= 0, got " + g);
            }
        }
        nonEmpty("seeds", seeds);
        distinct("seed", seeds);
        range("steps", steps, 1, 10_000_000);
        range("batch size", batchSize, 1, 65536);
        if (!(learningRate > 0) || learningRate > 10) {
            throw new IllegalArgumentException("learning rate must be in (0, 10], got " + learningRate);
        }
        if (!(clip >= 0) || Double.isInfinite(clip)) {
            throw new IllegalArgumentException("gradient clip must be >= 0 (0 disables), got " + clip);
        }
        if (init == null || scoring == null || metric == null) {
            throw new IllegalArgumentException("init, scoring and metric must be set");
        }
        range("test examples", testExamples, 0, 10_000_000);
        range("prompts per batch", maxPrompts, 1, 4096);
        range("evaluation batch", evalBatch, 1, 65536);
        models = List.copyOf(models);
        tasks = List.copyOf(tasks);
        targets = List.copyOf(targets);
        lengths = List.copyOf(lengths);
        gammas = List.copyOf(gammas);
        seeds = List.copyOf(seeds);
    }

    /**
     * The paper's settings for the given models, tasks and targets: the eight γ values, seeds 1,
     * 10 and 100, 2000 steps of AdamW at 0.01 (linear decay, clip 1.0, batch 8), target
     * initialisation, direct scoring, L2 projection, every test example.
     */
    public static WaywardStudyConfig paper(List<String> models, List<WaywardTask> tasks, List<String> targets) {
        return new WaywardStudyConfig("paper", models, tasks, targets, 0, PAPER_LENGTHS, PAPER_GAMMAS,
                List.of(1L, 10L, 100L), 2000, 8, 0.01, 1.0, Init.TARGET, Scoring.DIRECT, Projection.Metric.L2, 0, 64, 16);
    }

    /**
     * The whole study on the shipped built-in models in a few minutes on two CPU cores:
     * builtin:tiny and builtin:small (the size sweep; base is not shipped), the topic task, the
     * first contradictory instruction the tokenizer can write and unrelated texts of 4 and 14
     * tokens (the length sweep; 28 tokens doubled the time of the small model's cells), γ ∈ {0,
     * 0.01, 0.3}, seeds 1 and 10, and 50 test examples (an accuracy carries about ±6 points of
     * sampling noise; every prompt is scored on the same examples, so their differences carry
     * less). Training is 40 steps of batch 4 at learning rate 0.05: at the paper's 0.01 the prompts
     * hardly leave their start in so few steps (γ = 0 still projects onto its target), and at 0.1
     * the 28-token prompts lost the task. The γ grid is shifted up from the paper's for the same
     * reason: in 40 steps 0.01 pulls short prompts onto their target and 0.3 holds every length.
     * Prompts train in batches of 6, one target's γ values and seeds: on two cores a few prompts per
     * batch train faster per prompt than many.
     */
    public static WaywardStudyConfig quick() {
        return new WaywardStudyConfig("quick", List.of("builtin:tiny", "builtin:small"),
                List.of(WaywardTask.builtin("builtin:topic")), List.of("builtin:contradictory", "builtin:unrelated"), 1,
                List.of(4, 14), List.of(0.0, 0.01, 0.3), List.of(1L, 10L), 40, 4, 0.05, 1.0, Init.TARGET, Scoring.DIRECT,
                Projection.Metric.L2, 50, 6, 16);
    }

    /** These settings under another preset name. */
    public WaywardStudyConfig withPreset(String name) {
        return new WaywardStudyConfig(name, models, tasks, targets, targetsPerKind, lengths, gammas, seeds, steps,
                batchSize, learningRate, clip, init, scoring, metric, testExamples, maxPrompts, evalBatch);
    }

    /** Whether {@code other} trains and scores every prompt as these settings do (models, tasks and targets aside). */
    public boolean trainsAs(WaywardStudyConfig other) {
        return targetsPerKind == other.targetsPerKind && lengths.equals(other.lengths) && gammas.equals(other.gammas)
                && seeds.equals(other.seeds) && steps == other.steps && batchSize == other.batchSize
                && learningRate == other.learningRate && clip == other.clip && init == other.init
                && scoring == other.scoring && metric == other.metric && testExamples == other.testExamples;
    }

    /** γ as people write it: 0, 0.0001, 0.03, 1. */
    public static String gammaText(double gamma) {
        return gamma == 0 ? "0" : new java.math.BigDecimal(Double.toString(gamma)).stripTrailingZeros().toPlainString();
    }

    /** The number of prompts each (model, task, target) trains: γ values × seeds. */
    public int promptsPerTarget() {
        return gammas.size() * seeds.size();
    }

    private static void nonEmpty(String what, List<?> values) {
        if (values == null || values.isEmpty()) {
            throw new IllegalArgumentException("give at least one of " + what);
        }
    }

    private static <T> void distinct(String what, List<T> values) {
        Set<T> seen = new HashSet<>();
        for (T v : values) {
            if (!seen.add(v)) {
                throw new IllegalArgumentException(what + " " + v + " is given twice in " + values);
            }
        }
    }

    private static void range(String what, int v, int lo, int hi) {
        if (v < lo || v > hi) {
            throw new IllegalArgumentException(what + " must be in [" + lo + ", " + hi + "], got " + v);
        }
    }

    /** The F1 a selected prompt must exceed (the paper's 0.98). */
    public double f1Threshold() {
        return WaywardSelection.F1_THRESHOLD;
    }
}
