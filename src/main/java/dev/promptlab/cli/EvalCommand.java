package dev.promptlab.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptlab.adapt.Adapter;
import dev.promptlab.adapt.AdapterFile;
import dev.promptlab.eval.Bleu;
import dev.promptlab.eval.ClassificationResult;
import dev.promptlab.eval.RougeL;
import dev.promptlab.eval.GreedyDecoder;
import dev.promptlab.eval.Metrics;
import dev.promptlab.eval.VerbalizerClassifier;
import dev.promptlab.model.LanguageModel;
import dev.promptlab.model.LoadedModel;
import dev.promptlab.task.Encoder;
import dev.promptlab.task.Example;
import dev.promptlab.task.Task;
import dev.promptlab.task.builtin.wordnet.Split;
import dev.promptlab.tensor.AtomicFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** Scores a model (with an optional adapter) on a JSONL dataset and writes the metrics as JSON. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Evaluate a model (and adapter) on a JSONL dataset: accuracy for labels, exact match for free text.")
final class EvalCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "model directory, or builtin:tiny|small|base")
    Path modelDir;
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
        TaskSource source = TaskSource.resolve(taskRef, dataFile, "--data", Split.TEST, taskOptions);
        List<Example> examples = source.examples();
        // the template and labels come from the (first) adapter's run, when it was tuned on a data file
        JsonNode runConfig = AdapterRef.runConfig(adapterDirs.isEmpty() ? null : adapterDirs.get(0));
        Task task = source.builtin() != null ? source.builtin()
                : taskOptions.task(dataFile.getFileName().toString(), examples, runConfig);
        try (LoadedModel loaded = ModelRef.load(modelDir)) {
            ObjectNode out;
            if (adapterDirs.size() <= 1) {
                out = evaluate(loaded, adapterDirs.isEmpty() ? null : adapterDirs.get(0), task, examples, source);
            } else {
                out = TuneCommand.JSON.createObjectNode();
                ArrayNode results = out.putArray("adapters");
                for (Path dir : adapterDirs) {
                    System.out.println("== " + dir);
                    results.add(evaluate(loaded, dir, task, examples, source).put("adapter", dir.toString()));
                }
            }
            AtomicFiles.writeString(jsonOut, TuneCommand.JSON.writeValueAsString(out) + "\n");
        }
        return 0;
    }

    private ObjectNode evaluate(LoadedModel loaded, Path adapterDir, Task task, List<Example> examples, TaskSource source)
            throws java.io.IOException {
        try (Adapter adapter = adapterDir == null ? null : AdapterFile.load(adapterDir, loaded.model())) {
            LanguageModel model = loaded.model();
            Encoder encoder = new Encoder(loaded.tokenizer(), task.template());
            int virtual = adapter == null ? 0 : adapter.contextPositions();
            TuneCommand.encode(examples, encoder, false, virtual, model.config().contextLength(), source.messagePath());
            ObjectNode result = TuneCommand.JSON.createObjectNode();
            result.put("n", examples.size());
            if (task.isClassification()) {
                ClassificationResult r = new VerbalizerClassifier(model, adapter, encoder, task.labels(), batchSize)
                        .evaluate(examples);
                result.put("accuracy", r.accuracy());
                result.put("macro_f1", r.macroF1());
                System.out.printf("n %d, accuracy %.4f, macro-F1 %.4f%n", r.n(), r.accuracy(), r.macroF1());
            } else {
                GreedyDecoder decoder = new GreedyDecoder(model, adapter);
                List<String> predictions = new ArrayList<>();
                List<String> references = new ArrayList<>();
                for (Example e : examples) {
                    int[] ids = decoder.generate(encoder.context(e.input()), maxTokens, loaded.tokenizer().eosId());
                    predictions.add(loaded.tokenizer().decode(ids));
                    references.add(comparableReference(e.output(), encoder.target(e.output(), false), loaded.tokenizer()));
                }
                double em = Metrics.exactMatch(predictions, references);
                result.put("exact_match", em);
                result.put("bleu", Bleu.corpus(predictions, references));
                result.put("rouge_l", RougeL.mean(predictions, references));
                System.out.printf("n %d, exact match %.4f, BLEU %.4f, ROUGE-L %.4f%n", examples.size(), em,
                        result.get("bleu").asDouble(), result.get("rouge_l").asDouble());
            }
            return result;
        }
    }

    /**
     * The reference as the model could have written it: round-tripped through the tokenizer, so
     * lossy tokenizers (lower-casing, punctuation spacing) compare fairly. If any of its tokens is
     * special (an unknown word), decoding would drop it and an empty or partial prediction could
     * "match"; such a reference is kept verbatim, which no decoded prediction reproduces.
     */
    static String comparableReference(String output, int[] ids, dev.promptlab.tokenize.Tokenizer tokenizer) {
        java.util.Set<Integer> specials = new java.util.HashSet<>(tokenizer.specialIds());
        for (int id : ids) {
            if (specials.contains(id)) {
                return output;
            }
        }
        return tokenizer.decode(ids);
    }
}
