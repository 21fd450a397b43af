package dev.promptlab.train;

import ai.djl.ndarray.NDArray;
import dev.promptlab.tensor.Scalars;
import dev.promptlab.adapt.Adapter;
import dev.promptlab.model.LanguageModel;

/**
 * Sequence log loss as the Bayesian prompting study trains with it: the NLL summed over a
 * sequence's counted tokens, averaged over the sequences of one prompt, and summed over the K
 * prompts of a multi-prompt batch (rows in K equal contiguous blocks). Summing over prompts keeps
 * each prompt's gradient exactly what a run of its own would get; with K = 1 this is the mean
 * cumulative log loss per sequence.
 */
public final class SummedSequenceLoss implements Objective {
    private final LanguageModel model;
    private final Adapter adapter;
    private final int prompts;

    /** {@code adapter} may be null (the model's own weights are trained). */
    public SummedSequenceLoss(LanguageModel model, Adapter adapter, int prompts) {
        if (prompts < 1) {
            throw new IllegalArgumentException("prompts must be >= 1, got " + prompts);
        }
        this.model = model;
        this.adapter = adapter;
        this.prompts = prompts;
    }

    @Override
    public NDArray loss(Batch batch) {
        if (batch.size() % prompts != 0) {
            throw new IllegalArgumentException("batch of " + batch.size() + " rows does not split into " + prompts
                    + " equal prompt blocks");
        }
        NDArray logits = AdapterObjective.logits(model, adapter, batch.ids()); // (B, T, V)
        NDArray nll = Losses.tokenNll(logits, batch.targets()).mul(batch.lossMask()); // (B, T)
        return nll.sum().div(Scalars.like(nll, (double) (batch.size() / prompts))); // (), a libtorch-owned divisor: autograd keeps it
    }
}
