package dev.promptlab.study;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptlab.adapt.Adapter;
import dev.promptlab.eval.Bleu;
import dev.promptlab.eval.ClassificationResult;
import dev.promptlab.eval.GreedyDecoder;
import dev.promptlab.eval.Metrics;
import dev.promptlab.eval.RougeL;
import dev.promptlab.eval.VerbalizerClassifier;
import dev.promptlab.model.LanguageModel;
import dev.promptlab.model.LoadedModel;
import dev.promptlab.task.Encoder;
import dev.promptlab.task.Example;
import dev.promptlab.task.Task;
import dev.promptlab.tokenize.Tokenizer;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The library entry point of {@code promptlab eval}: a model with an adapter (or none) on a task's
 * examples. Classification: verbalizer accuracy and macro-F1; generation: greedy decoding scored
 * by exact match, BLEU and ROUGE-L.
 */
public final class Evaluation {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Evaluation() {}

    /**
     * The metrics as a JSON object ({@code n} and the task's metrics).
     *
     * @param source names the data in error messages
     * @param maxTokens generation budget per example
     * @param batchSize sequences scored at once
     */
    public static ObjectNode evaluate(LoadedModel loaded, Adapter adapter, Task task, String source, int maxTokens,
            int batchSize) {
        LanguageModel model = loaded.model();
        Encoder encoder = new Encoder(loaded.tokenizer(), task.template());
        List<Example> examples = task.examples();
        int virtual = adapter == null ? 0 : adapter.contextPositions();
        encoder.encodeAll(examples, false, virtual, model.config().contextLength(), source); // every example must fit
        ObjectNode result = JSON.createObjectNode();
        result.put("n", examples.size());
        if (task.isClassification()) {
            ClassificationResult r = new VerbalizerClassifier(model, adapter, encoder, task.labels(), batchSize)
                    .evaluate(examples);
            result.put("accuracy", r.accuracy());
            result.put("macro_f1", r.macroF1());
            return result;
        }
        GreedyDecoder decoder = new GreedyDecoder(model, adapter);
        List<String> predictions = new ArrayList<>();
        List<String> references = new ArrayList<>();
        Tokenizer tokenizer = loaded.tokenizer();
        for (Example e : examples) {
            int[] ids = decoder.generate(encoder.context(e.input()), maxTokens, tokenizer.eosId());
            predictions.add(tokenizer.decode(ids));
            references.add(comparableReference(e.output(), encoder.target(e.output(), false), tokenizer));
        }
        result.put("exact_match", Metrics.exactMatch(predictions, references));
        result.put("bleu", Bleu.corpus(predictions, references));
        result.put("rouge_l", RougeL.mean(predictions, references));
        return result;
    }

    /**
     * The reference as the model could have written it: round-tripped through the tokenizer, so
     * lossy tokenizers (lower-casing, punctuation spacing) compare fairly. If any of its tokens is
     * special (an unknown word), decoding would drop it and an empty or partial prediction could
     * "match"; such a reference is kept verbatim, which no decoded prediction reproduces.
     */
    public static String comparableReference(String output, int[] ids, Tokenizer tokenizer) {
        Set<Integer> specials = new HashSet<>(tokenizer.specialIds());
        for (int id : ids) {
            if (specials.contains(id)) {
                return output;
            }
        }
        return tokenizer.decode(ids);
    }
}
