package dev.promptlab.eval;

import dev.promptlab.adapt.Adapter;
import dev.promptlab.model.LanguageModel;
import dev.promptlab.task.EncodedExample;
import dev.promptlab.task.Encoder;
import dev.promptlab.task.Example;

import java.util.ArrayList;
import java.util.List;

/**
 * Direct verbalizer scoring: for each example and each label, the mean NLL of the label's tokens
 * after the rendered input; the lowest wins. Mean (not sum) so multi-token labels are not
 * penalised for their length.
 */
public final class VerbalizerClassifier {
    private final SequenceScorer scorer;
    private final Encoder encoder;
    private final List<String> labels;

    public VerbalizerClassifier(LanguageModel model, Adapter adapter, Encoder encoder, List<String> labels, int batchSize) {
        int pad = Math.max(0, encoder.tokenizer().padId());
        this.scorer = new SequenceScorer(model, adapter, batchSize, pad);
        this.encoder = encoder;
        this.labels = labels;
    }

    public List<String> predict(List<Example> examples) {
        List<EncodedExample> candidates = new ArrayList<>(examples.size() * labels.size());
        List<int[]> labelTargets = new ArrayList<>();
        for (String label : labels) {
            labelTargets.add(encoder.target(label, false));
        }
        for (Example e : examples) {
            int[] context = encoder.context(e.input());
            for (int[] target : labelTargets) {
                candidates.add(new EncodedExample(context, target));
            }
        }
        double[] nll = scorer.meanNll(candidates);
        List<String> predictions = new ArrayList<>(examples.size());
        for (int i = 0; i < examples.size(); i++) {
            int best = 0;
            for (int j = 1; j < labels.size(); j++) {
                if (nll[i * labels.size() + j] < nll[i * labels.size() + best]) {
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
}
