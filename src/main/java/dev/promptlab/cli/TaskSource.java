package dev.promptlab.cli;

import dev.promptlab.task.Example;
import dev.promptlab.task.JsonlReader;
import dev.promptlab.task.Task;
import dev.promptlab.task.builtin.wordnet.BuiltinTask;
import dev.promptlab.task.builtin.wordnet.BuiltinTasks;
import dev.promptlab.task.builtin.wordnet.Split;

import java.nio.file.Path;
import java.util.List;

/**
 * Where tune and eval get their examples: a JSONL file ({@code --train} / {@code --data}) or a
 * built-in task ({@code --task builtin:NAME[:SPLIT]}, default split train for tune and test for
 * eval). A built-in task brings its own template and labels.
 *
 * @param label what to call the data in messages and run configs (the path or the reference)
 * @param examples the examples
 * @param builtin the built-in task of that split, or null for a file
 */
record TaskSource(String label, List<Example> examples, Task builtin) {

    static TaskSource resolve(String taskRef, Path file, String fileOption, Split defaultSplit, TaskOptions options) {
        if ((taskRef == null) == (file == null)) {
            throw new IllegalArgumentException("give exactly one of " + fileOption + " FILE and --task builtin:NAME[:SPLIT]"
                    + " (built-in tasks: " + String.join(", ", BuiltinTasks.names()) + ")");
        }
        if (file != null) {
            return new TaskSource(file.toAbsolutePath().toString(), JsonlReader.read(file), null);
        }
        if (options != null && (options.template != null || (options.labels != null && !options.labels.isEmpty())
                || !"auto".equals(options.taskType))) {
            throw new IllegalArgumentException("--template, --labels and --task-type do not apply to --task " + taskRef
                    + ": a built-in task brings its own (see promptlab tasks)");
        }
        BuiltinTasks.Ref ref = BuiltinTasks.parse(taskRef, defaultSplit);
        BuiltinTask task = BuiltinTasks.get(ref.name());
        return new TaskSource(ref.toString(), task.examples(ref.split()), task.task(ref.split()));
    }

    /** The path used in per-example error messages. */
    Path messagePath() {
        return Path.of(label.replace(':', '_'));
    }
}
