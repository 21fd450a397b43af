package dev.promptlab.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.training.GradientCollector;
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
    /**
     * Positions (rows × length, virtual ones included) above which K prompts train in parts, by
     * default. Measured on builtin:small, builtin:topic, batch 8 per prompt (bench's prompts
     * section): 8192 keeps K = 16 in one part and runs K = 64 in three, 0.041 s per prompt-step
     * against 0.082 s in one part; 4096 and 2048 were no faster at K = 64 and slower at K = 16.
     */
    public static final long PART_TOKENS = 8192;

    private final LanguageModel model;
    private final Adapter adapter;
    private final int prompts;
    private final List<PromptTerm> terms;
    private long partTokens = PART_TOKENS;
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

    /**
     * Positions above which K prompts train in parts of whole prompt blocks ({@link #PART_TOKENS}
     * unless set); the results are the same either way, only speed and memory differ.
     */
    public AdapterObjective partTokens(long tokens) {
        if (tokens < 1) {
            throw new IllegalArgumentException("part tokens must be >= 1, got " + tokens);
        }
        this.partTokens = tokens;
        return this;
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
        checkBlocks(batch);
        NDArray total = blockLosses(batch, adapter, 0, prompts); // (K)
        lastPromptLosses = toDoubles(total);
        return prompts == 1 ? total.get(0) : total.sum(); // ()
    }

    /**
     * K prompts whose rows make more than {@link #partTokens(long)} positions run in parts of whole
     * prompt blocks, each part's forward and backward before the next: a prompt's loss and
     * gradient come from its own rows only, so the sum is exactly the whole batch's, while each
     * part's activations stay small enough to stay in cache (measured on builtin:small, K = 64
     * prompts × 8 rows at once was 2× slower per prompt than K = 16). Parts are also cut after
     * their own last output token, which leaves less padding than the whole batch's length.
     */
    @Override
    public double lossAndGradients(Batch batch, GradientCollector collector) {
        if (prompts == 1) {
            return Objective.super.lossAndGradients(batch, collector);
        }
        checkBlocks(batch);
        int rowsPerPrompt = batch.size() / prompts;
        long tokensPerPrompt = (long) rowsPerPrompt * (batch.length() + adapter.contextPositions());
        long parts = Math.min(prompts, (prompts * tokensPerPrompt + partTokens - 1) / partTokens);
        int perPart = (int) ((prompts + parts - 1) / parts); // parts of (nearly) equal size: a small last part runs slowly
        if (perPart >= prompts || !inBlocks(rowsPerPrompt)) {
            return Objective.super.lossAndGradients(batch, collector);
        }
        List<Adapter> each = ((MultiPrompt) adapter).prompts();
        Batch.Host host = batch.onHost(); // copied out once, cut into parts below
        double[] losses = new double[prompts];
        double sum = 0;
        for (int first = 0; first < prompts; first += perPart) {
            int count = Math.min(perPart, prompts - first);
            try (NDManager partScope = batch.ids().getManager().newSubManager()) {
                Batch part = host.rows(first * rowsPerPrompt, (first + count) * rowsPerPrompt, partScope);
                MultiPrompt partPrompts = MultiPrompt.blocks(each.subList(first, first + count), rowsPerPrompt);
                NDArray partLosses = blockLosses(part, partPrompts, first, count); // (count)
                double[] values = toDoubles(partLosses);
                System.arraycopy(values, 0, losses, first, count);
                double partSum = 0;
                for (double v : values) {
                    partSum += v;
                }
                sum += partSum;
                if (!Double.isFinite(partSum)) {
                    lastPromptLosses = losses;
                    return partSum; // the caller refuses the step; later parts need not run
                }
                collector.backward(partLosses.sum());
            }
        }
        lastPromptLosses = losses;
        return sum;
    }


    private void checkBlocks(Batch batch) {
        if (batch.size() % prompts != 0) {
            throw new IllegalArgumentException("batch of " + batch.size() + " rows does not split into " + prompts
                    + " equal prompt blocks");
        }
    }

    private boolean inBlocks(int rowsPerPrompt) {
        if (!(adapter instanceof MultiPrompt m)) {
            return false;
        }
        int[] rows = m.rows();
        for (int r = 0; r < rows.length; r++) {
            if (rows[r] != r / rowsPerPrompt) {
                return false;
            }
        }
        return true;
    }

    /**
     * The losses (count) of prompts [first, first + count), whose rows make up {@code batch} in
     * equal contiguous blocks, run with {@code blockAdapter}: each prompt's mean over its own
     * output tokens plus its own term.
     */
    private NDArray blockLosses(Batch batch, Adapter blockAdapter, int first, int count) {
        // the output tokens (a few per row), each counted towards its prompt's mean
        OutputPositions.Targets targets = OutputPositions.Targets.of(batch);
        int rowsPerPrompt = batch.size() / count;
        int n = targets.size();
        int[] counts = new int[count];
        for (int row : targets.rows()) {
            counts[row / rowsPerPrompt]++;
        }
        float[] perPrompt = new float[count * n]; // (K, N): 1/count_k where position j belongs to prompt k
        for (int j = 0; j < n; j++) {
            int k = targets.rows()[j] / rowsPerPrompt;
            perPrompt[k * n + j] = 1f / counts[k];
        }
        NDManager scope = batch.ids().getManager();
        NDArray nll = OutputPositions.forward(model, blockAdapter, batch.ids(), true).nll(targets); // (N)
        NDArray weights = scope.create(perPrompt, new ai.djl.ndarray.types.Shape(count, n)); // (K, N), no gradient
        NDArray promptLoss = weights.matMul(nll.expandDims(1)).squeeze(1); // (K): each prompt's mean over its output tokens
        List<Adapter> each = adapter instanceof MultiPrompt m ? m.prompts() : Collections.singletonList(adapter);
        NDList withTerms = new NDList(count);
        boolean anyTerm = false;
        for (int k = 0; k < count; k++) {
            NDArray own = promptLoss.get(k); // ()
            PromptTerm term = terms.get(first + k);
            if (term != null) {
                own = own.add(term.value(each.get(first + k), model, scope)); // ()
                anyTerm = true;
            }
            withTerms.add(own);
        }
        return anyTerm ? NDArrays.stack(withTerms) : promptLoss; // (K)
    }

    private static double[] toDoubles(NDArray values) {
        float[] f = values.toFloatArray();
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
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
