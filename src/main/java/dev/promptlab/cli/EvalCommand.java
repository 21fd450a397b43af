package dev.promptlab.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptlab.adapt.Adapter;
import dev.promptlab.adapt.AdapterFile;
import dev.promptlab.model.LoadedModel;
import dev.promptlab.study.Evaluation;
import dev.promptlab.study.ModelSource;
import dev.promptlab.study.RunDirectory;
import dev.promptlab.task.Task;
import dev.promptlab.task.TaskSource;
import dev.promptlab.task.builtin.wordnet.Split;
import dev.promptlab.tensor.AtomicFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** Scores a model (with optional adapters) on a dataset and writes the metrics as JSON ({@link Evaluation}). */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Evaluate a model (and adapter) on a JSONL dataset: accuracy for labels, exact match for free text.")
final class EvalCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "model directory, or builtin:tiny|small|base")
    String model;
    @Option(names = "--adapter", description = "adapter directory (RUN/adapter), any method; repeat to evaluate several"
            + " on the same examples (the JSON then lists one result per adapter)")
    List<Path> adapterDirs = new ArrayList<>();
    @Option(names = "--data", description = "JSONL file of {\"input\": ..., \"output\": ...}")
    Path dataFile;
    @Option(names = "--task", description = "built-in task builtin:NAME[:SPLIT] instead of --data (default split: test)")
    String taskRef;
    @Mixin
    TaskOptions taskOptions;
    @Option(names = "--max-tokens", defaultValue = "32", description = "generation budget per example (default ${DEFAULT-VALUE})")
    int maxTokens;
    @Option(names = "--batch-size", defaultValue = "32", description = "sequences scored at once (default ${DEFAULT-VALUE})")
    int batchSize;
    @Option(names = "--json", required = true, description = "where to write the metrics")
    Path jsonOut;

    @Override
    public Integer call() throws Exception {
        RunDirectory.requireWritableFile(jsonOut, "--json");
        TaskSource source = taskOptions.source(taskRef, dataFile, "--data");
        // the template and labels come from the (first) adapter's run, when it was tuned on a data file
        JsonNode runConfig = AdapterRef.runConfig(adapterDirs.isEmpty() ? null : adapterDirs.get(0));
        TaskSource.Loaded data = source.load(Split.TEST, runConfig);
        try (LoadedModel loaded = ModelSource.load(model)) {
            ObjectNode out;
            if (adapterDirs.size() <= 1) {
                out = evaluate(loaded, adapterDirs.isEmpty() ? null : adapterDirs.get(0), data);
            } else {
                out = Json.MAPPER.createObjectNode();
                ArrayNode results = out.putArray("adapters");
                for (Path dir : adapterDirs) {
                    System.out.println("== " + dir);
                    results.add(evaluate(loaded, dir, data).put("adapter", dir.toString()));
                }
            }
            AtomicFiles.writeString(jsonOut, Json.MAPPER.writeValueAsString(out) + "\n");
        }
        return 0;
    }

    private ObjectNode evaluate(LoadedModel loaded, Path adapterDir, TaskSource.Loaded data) {
        Task task = data.task();
        try (Adapter adapter = adapterDir == null ? null : AdapterFile.load(adapterDir, loaded.model())) {
            ObjectNode r = Evaluation.evaluate(loaded, adapter, task, data.label(), maxTokens, batchSize);
            System.out.println(task.isClassification()
                    ? String.format("n %d, accuracy %.4f, macro-F1 %.4f", r.get("n").asInt(), r.get("accuracy").asDouble(),
                            r.get("macro_f1").asDouble())
                    : String.format("n %d, exact match %.4f, BLEU %.4f, ROUGE-L %.4f", r.get("n").asInt(),
                            r.get("exact_match").asDouble(), r.get("bleu").asDouble(), r.get("rouge_l").asDouble()));
            return r;
        }
    }
}
