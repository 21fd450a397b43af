package dev.promptlab.task.builtin.wordnet;

import dev.promptlab.task.Example;
import dev.promptlab.task.Task;
import dev.promptlab.task.TaskKind;

import java.util.List;
import java.util.Map;

/**
 * A built-in task with its three lemma-disjoint splits.
 *
 * @param spec what the task is
 * @param contradictoryInstruction the instruction of {@code spec.contradictsWith()}
 * @param splits the items of each split, in a fixed (hash) order
 */
public record BuiltinTask(TaskSpec spec, String contradictoryInstruction, Map<Split, List<Item>> splits) {

    public BuiltinTask {
        splits = Map.copyOf(splits);
        for (Split s : Split.values()) {
            if (splits.getOrDefault(s, List.of()).isEmpty()) {
                throw new IllegalStateException("built-in task " + spec.name() + " has an empty " + s.label() + " split");
            }
        }
    }

    public String name() {
        return spec.name();
    }

    public TaskKind kind() {
        return spec.kind();
    }

    public String instruction() {
        return spec.instruction();
    }

    public List<Item> items(Split split) {
        return splits.get(split);
    }

    public List<Example> examples(Split split) {
        return items(split).stream().map(Item::example).toList();
    }

    /** The split as a {@link Task}, named {@code builtin:NAME:SPLIT}. */
    public Task task(Split split) {
        return new Task(BuiltinTasks.PREFIX + name() + ":" + split.label(), examples(split), spec.template(),
                spec.labels());
    }
}
