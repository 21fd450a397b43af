package dev.promptlab.task;

import com.fasterxml.jackson.databind.JsonNode;
import dev.promptlab.task.builtin.wordnet.BuiltinTask;
import dev.promptlab.task.builtin.wordnet.BuiltinTasks;
import dev.promptlab.task.builtin.wordnet.Split;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a run's examples come from and how they are rendered and scored: a JSONL file of
 * {@code {"input", "output"}} lines with an optional template, label set and task type, or a
 * built-in task ({@code builtin:NAME[:SPLIT]}), which brings its own template and labels.
 *
 * @param builtinRef {@code builtin:NAME[:SPLIT]}, or null for a file
 * @param file a JSONL file, or null for a built-in task
 * @param template rendering of an example, or null for the default (or a tune run's)
 * @param labels label words of a classification task, or null for the run's or the distinct outputs
 * @param taskType auto, classification or generation
 */
public record TaskSource(String builtinRef, Path file, String template, List<String> labels, String taskType) {

    public TaskSource {
        if ((builtinRef == null) == (file == null)) {
            throw new IllegalArgumentException("give exactly one of a data file and a built-in task builtin:NAME[:SPLIT]"
                    + " (built-in tasks: " + String.join(", ", BuiltinTasks.names()) + ")");
        }
        taskType = taskType == null ? "auto" : taskType;
        if (!taskType.equals("auto")) {
            TaskKind.parse(taskType); // names the allowed values
        }
        labels = labels == null ? null : labels.stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
        if (builtinRef != null && (template != null || (labels != null && !labels.isEmpty()) || !taskType.equals("auto"))) {
            throw new IllegalArgumentException("--template, --labels and --task-type do not apply to --task " + builtinRef
                    + ": a built-in task brings its own (see promptlab tasks)");
        }
    }

    /** A built-in task, {@code builtin:NAME[:SPLIT]}. */
    public static TaskSource builtin(String ref) {
        return new TaskSource(ref, null, null, null, "auto");
    }

    /** A JSONL file with the default template, labels and task type. */
    public static TaskSource file(Path file) {
        return new TaskSource(null, file, null, null, "auto");
    }

    /**
     * What a command's options give: exactly one of {@code fileOption FILE} and {@code --task};
     * the error names the options.
     */
    public static TaskSource of(String builtinRef, Path file, String fileOption, String template, List<String> labels,
            String taskType) {
        if ((builtinRef == null) == (file == null)) {
            throw new IllegalArgumentException("give exactly one of " + fileOption + " FILE and --task builtin:NAME[:SPLIT]"
                    + " (built-in tasks: " + String.join(", ", BuiltinTasks.names()) + ")");
        }
        return new TaskSource(builtinRef, file, template, labels, taskType);
    }

    public TaskSource withTemplate(String newTemplate) {
        return new TaskSource(builtinRef, file, newTemplate, labels, taskType);
    }

    public TaskSource withLabels(List<String> newLabels) {
        return new TaskSource(builtinRef, file, template, newLabels, taskType);
    }

    public TaskSource withTaskType(String newTaskType) {
        return new TaskSource(builtinRef, file, template, labels, newTaskType);
    }

    /**
     * Examples loaded and rendered.
     *
     * @param label what runs and messages call the data (the absolute path, or the built-in reference)
     * @param task the task: examples, template and labels
     */
    public record Loaded(String label, Task task) {
        public List<Example> examples() {
            return task.examples();
        }
    }

    /**
     * Reads the examples; a built-in task without a split takes {@code defaultSplit}. For a file,
     * the template and labels not given fall back to {@code runConfig}'s (the config.json of the
     * tune run an adapter came from, or null), then to the defaults.
     */
    public Loaded load(Split defaultSplit, JsonNode runConfig) {
        if (file != null) {
            List<Example> examples = JsonlReader.read(file);
            return new Loaded(file.toAbsolutePath().toString(), fileTask(file.getFileName().toString(), examples, runConfig));
        }
        BuiltinTasks.Ref ref = BuiltinTasks.parse(builtinRef, defaultSplit);
        BuiltinTask task = BuiltinTasks.get(ref.name());
        return new Loaded(ref.toString(), task.task(ref.split()));
    }

    private Task fileTask(String name, List<Example> examples, JsonNode runConfig) {
        Template resolvedTemplate = new Template(template != null ? template
                : runConfig != null && runConfig.hasNonNull("template") ? runConfig.get("template").asText()
                : Template.DEFAULT.pattern());
        List<String> explicit = labels;
        if ((explicit == null || explicit.isEmpty()) && runConfig != null && runConfig.path("labels").size() > 0
                && "auto".equals(taskType)) {
            explicit = new ArrayList<>();
            for (JsonNode l : runConfig.get("labels")) {
                explicit.add(l.asText());
            }
        }
        TaskKind requested = "auto".equals(taskType) ? null : TaskKind.parse(taskType);
        return new Task(name, examples, resolvedTemplate, TaskKind.resolveLabels(explicit, requested, examples));
    }
}
