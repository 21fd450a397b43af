package dev.promptlab.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.promptlab.adapt.Adapter;
import dev.promptlab.model.LanguageModel;
import dev.promptlab.task.EncodedExample;
import dev.promptlab.train.AdapterObjective;
import dev.promptlab.train.Batch;
import dev.promptlab.train.Losses;

import java.util.ArrayList;
import java.util.List;

/**
 * Mean negative log-likelihood of each example's target tokens given its context, under a model
 * with an optional adapter. Examples are scored in right-padded batches; no gradients are kept.
 */
public final class SequenceScorer {
    private final LanguageModel model;
    private final Adapter adapter;
    private final int batchSize;
    private final int padId;

    public SequenceScorer(LanguageModel model, Adapter adapter, int batchSize, int padId) {
        this.model = model;
        this.adapter = adapter;
        this.batchSize = batchSize;
        this.padId = padId;
    }

    /** Mean NLL per example, in input order. */
    public double[] meanNll(List<EncodedExample> examples) {
        double[] out = new double[examples.size()];
        for (int start = 0; start < examples.size(); start += batchSize) {
            List<EncodedExample> chunk = examples.subList(start, Math.min(examples.size(), start + batchSize));
            try (NDManager scope = model.manager().newSubManager()) {
                Batch batch = Batch.ofExamples(new ArrayList<>(chunk), padId, scope);
                NDArray logits = AdapterObjective.logits(model, adapter, batch.ids()); // (B, T, V)
                NDArray nll = Losses.tokenNll(logits, batch.targets()); // (B, T)
                NDArray perRow = nll.mul(batch.lossMask()).sum(new int[] {1})
                        .div(batch.lossMask().sum(new int[] {1}).maximum(1f)); // (B)
                float[] values = perRow.toFloatArray();
                for (int i = 0; i < values.length; i++) {
                    out[start + i] = values[i];
                }
            }
        }
        return out;
    }
}
