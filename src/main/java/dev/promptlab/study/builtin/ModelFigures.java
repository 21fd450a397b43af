package dev.promptlab.study.builtin;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptlab.eval.Bleu;
import dev.promptlab.eval.ClassificationResult;
import dev.promptlab.eval.GreedyDecoder;
import dev.promptlab.eval.Metrics;
import dev.promptlab.eval.RougeL;
import dev.promptlab.eval.VerbalizerClassifier;
import dev.promptlab.icl.Demonstration;
import dev.promptlab.icl.PromptLayout;
import dev.promptlab.icl.RandomRetriever;
import dev.promptlab.model.LanguageModel;
import dev.promptlab.task.Encoder;
import dev.promptlab.task.Example;
import dev.promptlab.task.builtin.wordnet.BuiltinTask;
import dev.promptlab.task.builtin.wordnet.BuiltinTasks;
import dev.promptlab.task.builtin.wordnet.Split;
import dev.promptlab.tokenize.Tokenizer;
import dev.promptlab.train.AdapterObjective;
import dev.promptlab.train.Batch;
import dev.promptlab.train.Losses;

import java.util.ArrayList;
import java.util.List;

/**
 * The figures of a built-in model's card, on the test splits: held-out perplexity, k-shot ICL
 * accuracy of every classification task (verbalizer scoring, chance = 1 / labels since the
 * splits are balanced) and k-shot exact match, BLEU and ROUGE-L of every generation task
 * (greedy decoding up to the EOS that ends answers). Demonstrations are drawn at random from the
 * task's training split with a fixed seed; the instruction comes first.
 */
public final class ModelFigures {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final LanguageModel model;
    private final Tokenizer tokenizer;
    private final int shots;
    private final int examples;
    private final long seed;

    /** @param examples test examples per task (the first ones of the split's fixed order) */
    public ModelFigures(LanguageModel model, Tokenizer tokenizer, int shots, int examples, long seed) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.shots = shots;
        this.examples = examples;
        this.seed = seed;
    }

    /** Mean next-token loss (nats) over non-overlapping windows of a BOS doc EOS stream, a context long each. */
    public static double heldOutLoss(LanguageModel model, int[] stream) {
        return heldOutLoss(model, stream, model.config().contextLength());
    }

    /** Mean next-token loss (nats) over non-overlapping windows of {@code length} predicted tokens. */
    public static double heldOutLoss(LanguageModel model, int[] stream, int length) {
        double sum = 0;
        long count = 0;
        for (int start = 0; start + 1 < stream.length; start += length) {
            int end = Math.min(stream.length, start + length + 1);
            int[][] window = {java.util.Arrays.copyOfRange(stream, start, end)};
            try (NDManager scope = model.manager().newSubManager()) {
                Batch batch = Batch.ofWindows(window, scope);
                NDArray logits = AdapterObjective.logits(model, null, batch.ids()); // (1, T, V)
                NDArray nll = Losses.tokenNll(logits, batch.targets()); // (1, T)
                sum += nll.sum().getFloat();
                count += nll.size();
            }
        }
        return sum / count;
    }

    /** ICL accuracy of one classification task on its test split. */
    public ClassificationResult classification(BuiltinTask task) {
        PromptLayout layout = new PromptLayout(task.spec().template(), task.instruction(), PretrainCorpus.ANSWER_END);
        List<Example> prompts = laidOut(task, layout);
        Encoder encoder = new Encoder(tokenizer, layout.template());
        return new VerbalizerClassifier(model, null, encoder, task.spec().labels(), 16).evaluate(prompts);
    }

    /** ICL exact match, BLEU and ROUGE-L of one generation task on its test split. */
    public ObjectNode generation(BuiltinTask task, int maxTokens) {
        PromptLayout layout = new PromptLayout(task.spec().template(), task.instruction(), PretrainCorpus.ANSWER_END);
        Encoder encoder = new Encoder(tokenizer, layout.template());
        GreedyDecoder decoder = new GreedyDecoder(model, null);
        List<String> predictions = new ArrayList<>();
        List<String> references = new ArrayList<>();
        for (Example e : laidOut(task, layout)) {
            int[] ids = decoder.generate(encoder.context(e.input()), maxTokens, tokenizer.eosId());
            predictions.add(tokenizer.decode(ids));
            references.add(tokenizer.decode(encoder.target(e.output(), false)));
        }
        ObjectNode o = JSON.createObjectNode();
        o.put("n", predictions.size());
        o.put("exact_match", Metrics.exactMatch(predictions, references));
        o.put("bleu", Bleu.corpus(predictions, references));
        o.put("rouge_l", RougeL.mean(predictions, references));
        o.put("example_prediction", predictions.isEmpty() ? "" : predictions.get(0));
        o.put("example_reference", references.isEmpty() ? "" : references.get(0));
        return o;
    }

    /** All figures as the model card's "figures" object. */
    public ObjectNode all(int[] heldOutStream) {
        ObjectNode figures = JSON.createObjectNode();
        double loss = heldOutLoss(model, heldOutStream);
        figures.put("heldout_tokens", heldOutStream.length);
        figures.put("heldout_loss", loss);
        figures.put("heldout_perplexity", Math.exp(loss));
        figures.put("shots", shots);
        figures.put("examples_per_task", examples);
        ObjectNode icl = figures.putObject("icl_accuracy");
        ObjectNode gen = figures.putObject("generation");
        for (String name : BuiltinTasks.names()) {
            BuiltinTask task = BuiltinTasks.get(name);
            if (task.spec().labels().isEmpty()) {
                // sentences and gloss answers need room; one-word answers stop early anyway
                boolean sentences = "define".equals(name) || BuiltinTasks.ICL_STUDY_TASKS.contains(name);
                gen.set(name, generation(task, sentences ? 24 : 6));
            } else {
                ClassificationResult r = classification(task);
                ObjectNode o = icl.putObject(name);
                o.put("accuracy", r.accuracy());
                o.put("macro_f1", r.macroF1());
                o.put("chance", 1.0 / task.spec().labels().size());
                o.put("n", r.n());
            }
        }
        return figures;
    }

    private List<Example> laidOut(BuiltinTask task, PromptLayout layout) {
        List<Example> test = task.examples(Split.TEST);
        RandomRetriever retriever = new RandomRetriever(task.examples(Split.TRAIN), seed);
        List<Example> out = new ArrayList<>();
        for (Example query : test.subList(0, Math.min(examples, test.size()))) {
            Example laid = layout.layout(Demonstration.examples(retriever.retrieve(query, -1, shots)), query);
            // keep the prompt inside the context: fewer demonstrations for long examples
            int k = shots;
            while (k > 0 && tokenizer.encode(laid.input()).length + 40 > model.config().contextLength()) {
                k--;
                laid = layout.layout(Demonstration.examples(retriever.retrieve(query, -1, k)), query);
            }
            out.add(laid);
        }
        return out;
    }
}
