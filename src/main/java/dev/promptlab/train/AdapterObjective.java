package dev.promptlab.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import dev.promptlab.adapt.Adapter;
import dev.promptlab.model.LanguageModel;
import dev.promptlab.model.ModelInput;

/**
 * Cross entropy of the output tokens for a frozen model with an adapter (or none): the logits
 * of the adapter's virtual positions are dropped, so prompt positions never count.
 */
public final class AdapterObjective implements Objective {
    private final LanguageModel model;
    private final Adapter adapter;

    public AdapterObjective(LanguageModel model, Adapter adapter) {
        this.model = model;
        this.adapter = adapter;
    }

    /** Logits (B, T, V) for the batch's own positions. */
    public static NDArray logits(LanguageModel model, Adapter adapter, NDArray ids) {
        return logits(model, adapter, ids, false);
    }

    /** Logits (B, T, V) for the batch's own positions; {@code training} adds what only training does (dropout). */
    public static NDArray logits(LanguageModel model, Adapter adapter, NDArray ids, boolean training) {
        ModelInput input = ModelInput.ofIds(ids); // (B, T)
        int virtual = 0;
        if (adapter != null) {
            input = training ? adapter.applyTraining(input, model) : adapter.apply(input, model);
            virtual = adapter.virtualTokens();
        }
        NDArray logits = model.forward(input).logits(); // (B, P+T, V)
        return virtual == 0 ? logits : logits.get(new NDIndex(":, {}:, :", virtual)); // (B, T, V)
    }

    @Override
    public NDArray loss(Batch batch) {
        NDArray logits = logits(model, adapter, batch.ids(), true); // (B, T, V)
        return Losses.maskedMeanNll(logits, batch.targets(), batch.lossMask());
    }

    @Override
    public long[] randomState() {
        return adapter == null ? new long[0] : adapter.randomState();
    }

    @Override
    public void restoreRandomState(long[] state) {
        if (adapter != null) {
            adapter.restoreRandomState(state);
        }
    }
}
