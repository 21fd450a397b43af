package dev.promptlab.study;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Settings of the ICL study (Sun et al. 2023): which models, tasks, methods, shots and seeds, how
 * the soft prompts train, and which analyses run. Validated on construction: a bad value fails with
 * a message naming it and what is allowed. Whether k fits a task's training set is checked when the
 * data is read ({@link IclStudy#prepare}), before anything is written.
 *
 * @param preset the preset these settings came from ("full", "quick" or "custom")
 * @param models model references ({@code builtin:NAME} or a Hugging Face directory)
 * @param tasks the generation tasks (unique names)
 * @param methods the methods compared
 * @param shots demonstration counts k of the methods that show demonstrations (PT shows none)
 * @param seeds seeds of the trained prompts and of random demonstrations; a cell's seeds train as
 *     one multi-prompt batch
 * @param steps optimizer steps of every prompt
 * @param batchSize examples per step per prompt
 * @param learningRate AdamW's peak rate (linear decay to 0)
 * @param promptLength soft-prompt length P of the headline table, the bins and the transfer matrix
 * @param sweepLengths prompt lengths of the length sweep of PT and IPT (at the largest k); empty for none
 * @param retrieval how IPT and the transfer matrix retrieve demonstrations
 * @param bins equal-count similarity bins of the test inputs (IPT − PT per bin); 1 or more
 * @param transfer whether to fill the transfer matrix (PT prompt of task A + k demonstrations of task B)
 * @param maxTrain training examples kept per task (the pool; the first ones), 0 for all
 * @param maxTest test examples scored per task (the first ones), 0 for all
 * @param maxNewTokens generation budget (a task's budget is its longest training answer plus a
 *     margin, at most this)
 * @param beams beam width of decoding (1 = greedy)
 * @param seed seeds the fixed demonstrations of IPT-fixed
 */
public record IclStudyConfig(String preset, List<String> models, List<IclTask> tasks, List<IclMethod> methods,
        List<Integer> shots, List<Long> seeds, int steps, int batchSize, double learningRate, int promptLength,
        List<Integer> sweepLengths, IclRetrieval retrieval, int bins, boolean transfer, int maxTrain, int maxTest,
        int maxNewTokens, int beams, long seed) {

    /** The paper's prompt lengths for the sweep. */
    public static final List<Integer> SWEEP = List.of(1, 5, 10, 25, 50);

    public IclStudyConfig {
        nonEmpty("models", models);
        nonEmpty("tasks", tasks);
        nonEmpty("methods", methods);
        nonEmpty("shots", shots);
        nonEmpty("seeds", seeds);
        models = distinct("model", models);
        tasks = List.copyOf(tasks);
        distinct("task name", tasks.stream().map(IclTask::name).toList());
        methods = distinct("method", methods);
        shots = distinct("shots value", shots);
        seeds = distinct("seed", seeds);
        sweepLengths = distinct("sweep length", sweepLengths == null ? List.of() : sweepLengths);
        for (int k : shots) {
            range("shots k", k, 1, 64);
        }
        range("steps", steps, 1, 1_000_000);
        range("batch size", batchSize, 1, 4096);
        if (!(learningRate > 0) || learningRate > 10) {
            throw new IllegalArgumentException("learning rate must be in (0, 10], got " + learningRate);
        }
        range("prompt length", promptLength, 1, 1024);
        for (int p : sweepLengths) {
            range("sweep prompt length", p, 1, 1024);
        }
        if (retrieval == null) {
            throw new IllegalArgumentException("choose a retriever (allowed: " + String.join(", ", IclRetrieval.labels()) + ")");
        }
        range("similarity bins", bins, 1, 100);
        range("training examples kept (0 = all)", maxTrain, 0, 10_000_000);
        range("test examples (0 = all)", maxTest, 0, 10_000_000);
        range("new tokens", maxNewTokens, 1, 4096);
        range("beams", beams, 1, 64);
    }

    /** The paper's grid: every method, k = 1 and 3, five seeds, 1000 steps, P = 25, the length sweep, bins, transfer. */
    public static IclStudyConfig full(List<String> models, List<IclTask> tasks) {
        return new IclStudyConfig("full", models, tasks, List.of(IclMethod.values()), List.of(1, 3),
                List.of(1L, 2L, 3L, 4L, 5L), 1000, 8, 0.03, 25, SWEEP, IclRetrieval.EMBEDDING, 5, true, 0, 0, 32, 1, 0);
    }

    /**
     * The quick grid for {@code promptlab reproduce}: builtin:small (pretrained with these tasks'
     * training splits, recipe switch {@code iclStudyTasks}) on the three built-in study tasks,
     * every method at k = 1, three seeds, 30 steps of batch 4, P = 10 with a sweep over 1, 5 and
     * 10, 500 training and 30 test examples per task, 3 similarity bins and the transfer matrix.
     */
    public static IclStudyConfig quick() {
        List<IclTask> tasks = dev.promptlab.task.builtin.wordnet.BuiltinTasks.ICL_STUDY_TASKS.stream()
                .map(IclTask::builtin).toList();
        return new IclStudyConfig("quick", List.of("builtin:small"), tasks, List.of(IclMethod.values()), List.of(1),
                List.of(1L, 2L, 3L), 30, 4, 0.03, 10, List.of(1, 5, 10), IclRetrieval.EMBEDDING, 3, true, 500, 30, 24,
                1, 0);
    }

    /** The largest k: the IPT cells of the length sweep and the transfer matrix use it. */
    public int maxShots() {
        return shots.stream().mapToInt(Integer::intValue).max().orElseThrow();
    }

    /** Whether the similarity bins can be computed (PT and IPT are both studied). */
    public boolean hasBins() {
        return methods.contains(IclMethod.PT) && methods.contains(IclMethod.IPT);
    }

    /** Whether the transfer matrix is filled (asked for, and PT prompts are trained). */
    public boolean hasTransfer() {
        return transfer && methods.contains(IclMethod.PT);
    }

    private static void nonEmpty(String what, List<?> list) {
        if (list == null || list.isEmpty()) {
            throw new IllegalArgumentException("give at least one of: " + what);
        }
    }

    private static <T> List<T> distinct(String what, List<T> list) {
        Set<T> seen = new HashSet<>();
        for (T t : list) {
            if (!seen.add(t)) {
                throw new IllegalArgumentException(what + " " + t + " is listed twice");
            }
        }
        return List.copyOf(list);
    }

    private static void range(String what, long v, long lo, long hi) {
        if (v < lo || v > hi) {
            throw new IllegalArgumentException(what + " must be in [" + lo + ", " + hi + "], got " + v);
        }
    }
}
