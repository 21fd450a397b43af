package dev.promptlab.eval;

import dev.promptlab.adapt.Adapter;
import dev.promptlab.model.LanguageModel;
import dev.promptlab.task.EncodedExample;
import dev.promptlab.task.Encoder;
import dev.promptlab.task.Example;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Verbalizer classification: every (example, label) pair is scored by a mean NLL as
 * {@link Scoring} says (direct: the label's tokens after the rendered input; channel: the input's
 * tokens after the template rendered with the label), under the model with an optional adapter;
 * the lowest score wins. All pairs are scored in batches.
 */
public final class VerbalizerClassifier {
    private final LanguageModel model;
    private final Adapter adapter;
    private final Encoder encoder;
    private final List<String> labels;
    private final int batchSize;
    private final Scoring scoring;

    /** Direct scoring. */
    public VerbalizerClassifier(LanguageModel model, Adapter adapter, Encoder encoder, List<String> labels, int batchSize) {
        this(model, adapter, encoder, labels, batchSize, Scoring.DIRECT);
    }

    /**
     * @param adapter the prompt (or other adapter) to score with, or null for the bare model
     * @param batchSize sequences per forward pass, &ge; 1
     */
    public VerbalizerClassifier(LanguageModel model, Adapter adapter, Encoder encoder, List<String> labels, int batchSize,
            Scoring scoring) {
        if (labels.isEmpty()) {
            throw new IllegalArgumentException("verbalizer scoring needs at least one label");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        }
        this.model = model;
        this.adapter = adapter;
        this.encoder = encoder;
        this.labels = List.copyOf(labels);
        this.batchSize = batchSize;
        this.scoring = scoring;
    }

    /** The score (mean NLL) of every label for every example: [example][label], in the given orders. */
    public double[][] scores(List<Example> examples) {
        SequenceScorer scorer = new SequenceScorer(model, adapter, batchSize, padId(encoder));
        return scores(scorer, encoder, labels, scoring, examples, 1)[0];
    }

    /**
     * [prompt][example][label] scores of {@code prompts} prompts on the same examples. Direct scoring
     * of labels that are one token each reads them all from one output row per example (the context
     * runs once); otherwise every (example, label) sequence is scored.
     */
    private static double[][][] scores(SequenceScorer scorer, Encoder encoder, List<String> labels, Scoring scoring,
            List<Example> examples, int prompts) {
        int e = examples.size();
        int l = labels.size();
        double[][][] out = new double[prompts][e][l];
        int[] labelTokens = scoring == Scoring.DIRECT ? singleTokens(encoder, labels) : null;
        if (labelTokens != null) {
            List<int[]> contexts = new ArrayList<>(prompts * e);
            int[] promptOf = new int[prompts * e];
            for (int k = 0; k < prompts; k++) {
                for (int i = 0; i < e; i++) {
                    contexts.add(scoring.candidate(encoder, examples.get(i).input(), labels.get(0)).context());
                    promptOf[k * e + i] = k;
                }
            }
            double[][] logProbs = scorer.nextTokenLogProbs(contexts, promptOf, labelTokens);
            for (int k = 0; k < prompts; k++) {
                for (int i = 0; i < e; i++) {
                    for (int j = 0; j < l; j++) {
                        out[k][i][j] = -logProbs[k * e + i][j];
                    }
                }
            }
            return out;
        }
        List<EncodedExample> candidates = new ArrayList<>(prompts * e * l);
        int[] promptOf = new int[prompts * e * l];
        for (int k = 0; k < prompts; k++) {
            for (Example example : examples) {
                for (String label : labels) {
                    promptOf[candidates.size()] = k;
                    candidates.add(scoring.candidate(encoder, example.input(), label));
                }
            }
        }
        int[][] labelTargets = sharedContexts(candidates, l);
        if (labelTargets != null) { // each example's context once, every label continued from its cache
            List<int[]> contexts = new ArrayList<>(prompts * e);
            int[] contextPrompt = new int[prompts * e];
            for (int i = 0; i < prompts * e; i++) {
                contexts.add(candidates.get(i * l).context());
                contextPrompt[i] = promptOf[i * l];
            }
            double[][] nll = scorer.continuationNll(contexts, contextPrompt, labelTargets);
            for (int k = 0; k < prompts; k++) {
                for (int i = 0; i < e; i++) {
                    out[k][i] = nll[k * e + i];
                }
            }
            return out;
        }
        double[] nll = scorer.meanNll(candidates, promptOf);
        for (int k = 0; k < prompts; k++) {
            for (int i = 0; i < e; i++) {
                System.arraycopy(nll, (k * e + i) * l, out[k][i], 0, l);
            }
        }
        return out;
    }

    /**
     * Label j's target tokens when every example's candidates (l per example, in label order)
     * share one context and label j's target is the same for every example (direct scoring);
     * null otherwise (e.g. scoring the input given the label).
     */
    private static int[][] sharedContexts(List<EncodedExample> candidates, int l) {
        if (candidates.isEmpty()) {
            return null;
        }
        int[][] targets = new int[l][];
        for (int j = 0; j < l; j++) {
            targets[j] = candidates.get(j).target();
            if (targets[j].length == 0) {
                return null;
            }
        }
        for (int i = 0; i < candidates.size(); i++) {
            EncodedExample c = candidates.get(i);
            if (!Arrays.equals(c.context(), candidates.get(i - i % l).context())
                    || !Arrays.equals(c.target(), targets[i % l])) {
                return null;
            }
        }
        return targets;
    }

    /** Each label's one target token, or null when some label has several (or none). */
    private static int[] singleTokens(Encoder encoder, List<String> labels) {
        int[] tokens = new int[labels.size()];
        for (int j = 0; j < labels.size(); j++) {
            int[] t = encoder.target(labels.get(j), false);
            if (t.length != 1) {
                return null;
            }
            tokens[j] = t[0];
        }
        return tokens;
    }

    private static int padId(Encoder encoder) {
        return Math.max(0, encoder.tokenizer().padId());
    }

    /** The predicted label of each example: the lowest score, the earlier label on a tie. */
    public List<String> predict(List<Example> examples) {
        return predictions(scores(examples), labels);
    }

    private static List<String> predictions(double[][] scores, List<String> labels) {
        List<String> predictions = new ArrayList<>(scores.length);
        for (double[] row : scores) {
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
        return result(predict(examples), examples, labels);
    }

    private static ClassificationResult result(List<String> predictions, List<Example> examples, List<String> labels) {
        List<String> references = examples.stream().map(Example::output).toList();
        return new ClassificationResult(examples.size(), Metrics.accuracy(predictions, references),
                Metrics.macroF1(predictions, references, labels), predictions);
    }

    /**
     * Evaluates K prompts of one family and one length (e.g. the seeds and γ values of a study
     * cell) on the same examples, in shared batches (each row with its own prompt); result k is
     * what a classifier with prompt k alone gives.
     */
    public static List<ClassificationResult> evaluateEach(LanguageModel model, List<? extends Adapter> prompts,
            Encoder encoder, List<String> labels, int batchSize, Scoring scoring, List<Example> examples) {
        double[][][] scores = scoresEach(model, prompts, encoder, labels, batchSize, scoring, examples);
        List<ClassificationResult> out = new ArrayList<>(prompts.size());
        for (double[][] s : scores) {
            out.add(result(predictions(s, labels), examples, labels));
        }
        return out;
    }

    /** [prompt][example][label] scores of K prompts in shared batches (what {@link #evaluateEach} ranks). */
    static double[][][] scoresEach(LanguageModel model, List<? extends Adapter> prompts, Encoder encoder,
            List<String> labels, int batchSize, Scoring scoring, List<Example> examples) {
        if (labels.isEmpty()) {
            throw new IllegalArgumentException("verbalizer scoring needs at least one label");
        }
        SequenceScorer scorer = new SequenceScorer(model, prompts, batchSize, padId(encoder));
        return scores(scorer, encoder, labels, scoring, examples, prompts.size());
    }
}
