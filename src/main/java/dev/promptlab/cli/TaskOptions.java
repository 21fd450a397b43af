package dev.promptlab.cli;

import dev.promptlab.task.TaskSource;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;

/** Options that say how a dataset is rendered and scored; shared by tune and eval. */
final class TaskOptions {
    @Option(names = "--template", description = "rendering of an example (default \"{input} {output}\", or the run's)")
    String template;
    @Option(names = "--labels", split = ",", description = "label words of a classification task (default: the run's, or the distinct outputs)")
    List<String> labels;
    @Option(names = "--task-type", defaultValue = "auto",
            description = "auto, classification or generation (auto: classification when outputs form a small label set)")
    String taskType;

    /** The data: exactly one of {@code fileOption FILE} and {@code --task builtin:NAME[:SPLIT]}. */
    TaskSource source(String taskRef, Path file, String fileOption) {
        return TaskSource.of(taskRef, file, fileOption, template, labels, taskType);
    }
}
