package dev.promptlab.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.promptlab.task.Example;
import dev.promptlab.task.Task;
import dev.promptlab.task.TaskKind;
import dev.promptlab.task.Template;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.Arrays;
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

    /** Builds the task, falling back to a tune run's resolved settings, then to the defaults. */
    Task task(String name, List<Example> examples, JsonNode runConfig) {
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
        if (explicit != null) {
            explicit = Arrays.stream(explicit.toArray(new String[0])).map(String::trim).filter(s -> !s.isEmpty()).toList();
        }
        TaskKind requested = "auto".equals(taskType) ? null : TaskKind.parse(taskType);
        return new Task(name, examples, resolvedTemplate, TaskKind.resolveLabels(explicit, requested, examples));
    }
}
