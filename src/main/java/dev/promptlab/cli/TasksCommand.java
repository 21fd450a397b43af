package dev.promptlab.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptlab.task.builtin.wordnet.BuiltinTask;
import dev.promptlab.task.builtin.wordnet.BuiltinTasks;
import dev.promptlab.task.builtin.wordnet.Split;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/** Lists the built-in WordNet tasks: name, kind, labels or metric, split sizes, instruction. */
@Command(name = "tasks", mixinStandardHelpOptions = true,
        description = "List the built-in tasks (use them as --task builtin:NAME[:SPLIT]).")
final class TasksCommand implements Callable<Integer> {
    @Option(names = "--json", description = "print JSON for machines instead of a table")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (json) {
            System.out.println(Json.MAPPER.writeValueAsString(asJson()));
            return 0;
        }
        // the table needs no JSON library: loading Jackson's mapper is a sizeable part of a short command's start
        StringBuilder table = new StringBuilder();
        table.append(String.format("%-14s %-14s %-50s %5s %4s %4s%n", "NAME", "KIND", "LABELS / METRIC", "TRAIN", "DEV", "TEST"));
        for (String name : BuiltinTasks.names()) {
            BuiltinTask t = BuiltinTasks.get(name);
            String what = t.spec().labels().isEmpty() ? t.spec().metric() + (t.spec().metric().equals("bleu") ? ", rouge_l" : "")
                    : String.join(" / ", t.spec().labels());
            table.append(String.format("%-14s %-14s %-50s %5d %4d %4d%n", name, kind(t), what,
                    t.items(Split.TRAIN).size(), t.items(Split.DEV).size(), t.items(Split.TEST).size()));
            table.append("               instruction: ").append(t.instruction()).append('\n');
        }
        System.out.print(table);
        System.out.println("Use --task builtin:NAME[:SPLIT] with tune (default split: train) and eval (default: test).");
        return 0;
    }

    private static ArrayNode asJson() {
        ArrayNode all = Json.MAPPER.createArrayNode();
        for (String name : BuiltinTasks.names()) {
            BuiltinTask t = BuiltinTasks.get(name);
            ObjectNode o = all.addObject();
            o.put("name", BuiltinTasks.PREFIX + name);
            o.put("kind", kind(t));
            o.put("metric", t.spec().metric());
            ArrayNode labels = o.putArray("labels");
            t.spec().labels().forEach(labels::add);
            o.put("template", t.spec().template().pattern());
            o.put("instruction", t.instruction());
            o.put("contradictory_instruction", t.contradictoryInstruction());
            o.put("contradicts", BuiltinTasks.PREFIX + t.spec().contradictsWith());
            ObjectNode sizes = o.putObject("splits");
            for (Split s : Split.values()) {
                sizes.put(s.label(), t.items(s).size());
            }
        }
        return all;
    }

    private static String kind(BuiltinTask t) {
        return t.kind().name().toLowerCase();
    }
}
