package dev.promptlab.eval;

import dev.promptlab.adapt.Adapter;
import dev.promptlab.model.LanguageModel;
import dev.promptlab.task.EncodedExample;
import dev.promptlab.task.Encoder;
import dev.promptlab.task.Example;

import java.util.ArrayList;
import java.util.List;

/**
 * Verbalizer classification: every (example, label) pair is scored by a mean NLL as
 * {@link Scoring} says (direct: the label's tokens after the rendered input; channel: the input's
 * tokens after the template rendered with the label), under the model with an optional adapter;
 * the lowest score wins. All pairs are scored in batches.
 */
public final class VerbalizerClassifier {
    private final SequenceScorer scorer;
    private final Encoder encoder;
    private final List<String> labels;
    private final Scoring scoring;

    /** Direct scoring. */
    public VerbalizerClassifier(LanguageModel model, Adapter adapter, Encoder encoder, List<String> labels, int batchSize) {
        this(model, adapter, encoder, labels, batchSize, Scoring.DIRECT);
    }

    /**
     * @param adapter the prompt (or other adapter) to score with, or null for the bare model
     * @param batchSize pairs per forward pass, &ge; 1
     */
    public VerbalizerClassifier(LanguageModel model, Adapter adapter, Encoder encoder, List<String> labels, int batchSize,
            Scoring scoring) {
        if (labels.isEmpty()) {
            throw new IllegalArgumentException("verbalizer scoring needs at least one label");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        }
        int pad = Math.max(0, encoder.tokenizer().padId());
        this.scorer = new SequenceScorer(model, adapter, batchSize, pad);
        this.encoder = encoder;
        this.labels = List.copyOf(labels);
        this.scoring = scoring;
    }

    /** The score (mean NLL) of every label for every example: [example][label], in the given orders. */
    public double[][] scores(List<Example> examples) {
        List<EncodedExample> candidates = new ArrayList<>(examples.size() * labels.size());
        for (Example e : examples) {
            for (String label : labels) {
                candidates.add(scoring.candidate(encoder, e.input(), label));
            }
        }
        double[] nll = scorer.meanNll(candidates);
        double[][] out = new double[examples.size()][labels.size()];
        for (int i = 0; i < examples.size(); i++) {
            System.arraycopy(nll, i * labels.size(), out[i], 0, labels.size());
        }
        return out;
    }

    /** The predicted label of each example: the lowest score, the earlier label on a tie. */
    public List<String> predict(List<Example> examples) {
        List<String> predictions = new ArrayList<>(examples.size());
        for (double[] row : scores(examples)) {
            int best = 0;
            for (int j = 1; j < row.length; j++) {
                if (row[j] < row[best]) {
                    best = j;
                }
            }
            predictions.add(labels.get(best));
        }
        return predictions;
    }

    public ClassificationResult evaluate(List<Example> examples) {
        List<String> predictions = predict(examples);
        List<String> references = examples.stream().map(Example::output).toList();
        return new ClassificationResult(examples.size(), Metrics.accuracy(predictions, references),
                Metrics.macroF1(predictions, references, labels), predictions);
    }

    /**
     * Evaluates K prompts of one family (e.g. the seeds and γ values of a study cell) on the same
     * examples; result k is what a classifier with prompt k alone gives.
     */
    public static List<ClassificationResult> evaluateEach(LanguageModel model, List<? extends Adapter> prompts,
            Encoder encoder, List<String> labels, int batchSize, Scoring scoring, List<Example> examples) {
        List<ClassificationResult> out = new ArrayList<>(prompts.size());
        for (Adapter prompt : prompts) {
            out.add(new VerbalizerClassifier(model, prompt, encoder, labels, batchSize, scoring).evaluate(examples));
        }
        return out;
    }
}
