package dev.promptlab.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import dev.promptlab.adapt.Adapter;
import dev.promptlab.adapt.MultiPrompt;
import dev.promptlab.model.LanguageModel;
import dev.promptlab.model.ModelInput;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Cross entropy of the output tokens for a frozen model with an adapter (or none): the logits
 * of the adapter's virtual positions are dropped, so prompt, demonstration and input positions
 * never count.
 *
 * <p>For K prompts trained in one batch (a {@link MultiPrompt} whose rows are K equal contiguous
 * blocks), each prompt's loss is the mean over its own block's output tokens, plus its own
 * {@link PromptTerm} if any, and the objective is their sum: summing keeps each prompt's
 * gradient exactly what a run of its own would get. With K = 1 and no term this is the mean
 * cross entropy of the batch's output tokens.
 */
public final class AdapterObjective implements Objective {
    private final LanguageModel model;
    private final Adapter adapter;
    private final int prompts;
    private final List<PromptTerm> terms;
    private double[] lastPromptLosses = new double[0];

    /** One adapter (or none), no extra term. */
    public AdapterObjective(LanguageModel model, Adapter adapter) {
        this(model, adapter, 1, Collections.singletonList(null));
    }

    /**
     * @param adapter K prompts ({@link MultiPrompt} in blocks) or, for K = 1, any adapter or null
     * @param prompts K
     * @param terms one extra term per prompt, null for none
     */
    public AdapterObjective(LanguageModel model, Adapter adapter, int prompts, List<PromptTerm> terms) {
        if (prompts < 1) {
            throw new IllegalArgumentException("prompts must be >= 1, got " + prompts);
        }
        if (terms.size() != prompts) {
            throw new IllegalArgumentException(prompts + " prompts need " + prompts + " extra terms (null for none), got "
                    + terms.size());
        }
        if (prompts > 1 && !(adapter instanceof MultiPrompt m && m.prompts().size() == prompts)) {
            throw new IllegalArgumentException("an objective of " + prompts + " prompts needs a MultiPrompt of "
                    + prompts + " prompts");
        }
        this.model = model;
        this.adapter = adapter;
        this.prompts = prompts;
        this.terms = new ArrayList<>(terms);
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
        if (batch.size() % prompts != 0) {
            throw new IllegalArgumentException("batch of " + batch.size() + " rows does not split into " + prompts
                    + " equal prompt blocks");
        }
        // the output tokens (a few per row), each counted towards its prompt's mean
        OutputPositions.Targets targets = OutputPositions.Targets.of(batch);
        int rowsPerPrompt = batch.size() / prompts;
        int n = targets.size();
        int[] counts = new int[prompts];
        for (int row : targets.rows()) {
            counts[row / rowsPerPrompt]++;
        }
        float[] perPrompt = new float[prompts * n]; // (K, N): 1/count_k where position j belongs to prompt k
        for (int j = 0; j < n; j++) {
            int k = targets.rows()[j] / rowsPerPrompt;
            perPrompt[k * n + j] = 1f / counts[k];
        }
        NDManager scope = batch.ids().getManager();
        NDArray nll = OutputPositions.forward(model, adapter, batch.ids(), true).nll(targets); // (N)
        NDArray weights = scope.create(perPrompt, new ai.djl.ndarray.types.Shape(prompts, n)); // (K, N), no gradient
        NDArray promptLoss = weights.matMul(nll.expandDims(1)).squeeze(1); // (K): each prompt's mean over its output tokens
        List<Adapter> each = adapter instanceof MultiPrompt m ? m.prompts() : Collections.singletonList(adapter);
        NDList withTerms = new NDList(prompts);
        boolean anyTerm = false;
        for (int k = 0; k < prompts; k++) {
            NDArray own = promptLoss.get(k); // ()
            PromptTerm term = terms.get(k);
            if (term != null) {
                own = own.add(term.value(each.get(k), model, scope)); // ()
                anyTerm = true;
            }
            withTerms.add(own);
        }
        NDArray total = anyTerm ? NDArrays.stack(withTerms) : promptLoss; // (K)
        float[] values = total.toFloatArray();
        lastPromptLosses = new double[values.length];
        for (int k = 0; k < values.length; k++) {
            lastPromptLosses[k] = values[k];
        }
        return prompts == 1 ? total.get(0) : total.sum(); // ()
    }

    /** Each prompt's loss (task loss plus its term) at the last step. */
    @Override
    public double[] promptLosses() {
        return lastPromptLosses.clone();
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
