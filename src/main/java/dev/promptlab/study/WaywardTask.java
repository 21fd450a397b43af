package dev.promptlab.study;

import dev.promptlab.task.Task;
import dev.promptlab.task.TaskSource;
import dev.promptlab.task.builtin.wordnet.BuiltinTasks;
import dev.promptlab.task.builtin.wordnet.Split;

import java.nio.file.Path;
import java.util.List;

/**
 * A classification task of the waywardness study: where its training and test examples come
 * from. A built-in task trains on its train split and is scored on its test split; a user's task
 * is a pair of JSONL files rendered with one template and label set.
 *
 * @param name how results name the task ({@code builtin:topic}, or the training file's path)
 * @param train the training examples
 * @param test the test examples (rendered and labelled as the training ones)
 * @param builtinName the built-in task's name ({@code topic}), whose built-in target sets apply;
 *     null for a user's task
 */
public record WaywardTask(String name, TaskSource train, TaskSource test, String builtinName) {

    public WaywardTask {
        if (name == null || train == null || test == null) {
            throw new IllegalArgumentException("a task needs its name, training and test data");
        }
    }

    /**
     * A built-in task, {@code builtin:NAME} without a split: the study itself trains on train and
     * tests on test.
     */
    public static WaywardTask builtin(String ref) {
        BuiltinTasks.Ref parsed = BuiltinTasks.parse(ref, Split.TRAIN); // names the known tasks
        if (ref.substring(BuiltinTasks.PREFIX.length()).contains(":")) {
            throw new IllegalArgumentException("task '" + ref + "': give a built-in task without a split (builtin:"
                    + parsed.name() + "); the study trains on its train split and tests on its test split");
        }
        String name = BuiltinTasks.PREFIX + parsed.name();
        return new WaywardTask(name, TaskSource.builtin(name + ":" + Split.TRAIN.label()),
                TaskSource.builtin(name + ":" + Split.TEST.label()), parsed.name());
    }

    /** A user's task: training and test JSONL files, one template, one label set (null: the defaults). */
    public static WaywardTask files(Path train, Path test, String template, List<String> labels) {
        if (train == null || test == null) {
            throw new IllegalArgumentException("a task from files needs both --train FILE and --test FILE");
        }
        TaskSource source = new TaskSource(null, train, template, labels, "classification");
        return new WaywardTask(train.toString(), source, new TaskSource(null, test, template, labels, "classification"),
                null);
    }

    /** The loaded training and test tasks; the test set takes the training set's labels and template. */
    public Loaded load() {
        Task trainTask = train.load(Split.TRAIN, null).task();
        if (!trainTask.isClassification()) {
            throw new IllegalArgumentException("task " + name + " is not a classification task; the waywardness study"
                    + " scores label words (give --labels)");
        }
        TaskSource testSource = builtinName == null ? test.withLabels(trainTask.labels()) : test;
        Task testTask = testSource.load(Split.TEST, null).task();
        return new Loaded(trainTask, testTask);
    }

    /** A task's examples, loaded. */
    public record Loaded(Task train, Task test) {}
}
