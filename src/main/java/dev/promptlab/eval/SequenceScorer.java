package dev.promptlab.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.promptlab.adapt.Adapter;
import dev.promptlab.adapt.MultiPrompt;
import dev.promptlab.model.LanguageModel;
import dev.promptlab.task.EncodedExample;
import dev.promptlab.train.Batch;
import dev.promptlab.train.OutputPositions;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Scores sequences under a frozen model with one adapter (or none), or with K prompts of one
 * family where each sequence names its prompt (a study's prompts scored in shared batches).
 * Sequences are batched by length, so padding stays small, and the output layer runs only at the
 * positions read ({@link OutputPositions}); no gradients are kept.
 */
public final class SequenceScorer {
    private final LanguageModel model;
    private final List<Adapter> prompts; // empty: no adapter
    private final int batchSize;
    private final int padId;

    /** One adapter, or none ({@code adapter} null). */
    public SequenceScorer(LanguageModel model, Adapter adapter, int batchSize, int padId) {
        this(model, adapter == null ? List.of() : List.of(adapter), batchSize, padId);
    }

    /** K prompts of one family and one length (each sequence says which), or one adapter of any kind. */
    public SequenceScorer(LanguageModel model, List<? extends Adapter> prompts, int batchSize, int padId) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        }
        this.model = model;
        this.prompts = List.copyOf(prompts);
        this.batchSize = batchSize;
        this.padId = padId;
    }

    /** Mean NLL of each example's target tokens given its context, in input order (the one adapter). */
    public double[] meanNll(List<EncodedExample> examples) {
        return meanNll(examples, new int[examples.size()]);
    }

    /** Mean NLL of each example's target tokens given its context, example i under prompt {@code promptOf[i]}. */
    public double[] meanNll(List<EncodedExample> examples, int[] promptOf) {
        double[] out = new double[examples.size()];
        for (int[] chunk : chunks(IntStream.range(0, examples.size()).map(i -> examples.get(i).length()).toArray())) {
            List<EncodedExample> rows = new ArrayList<>(chunk.length);
            for (int i : chunk) {
                rows.add(examples.get(i));
            }
            try (NDManager scope = model.manager().newSubManager()) {
                Batch batch = Batch.ofExamples(rows, padId, scope);
                OutputPositions.Targets targets = OutputPositions.Targets.of(batch);
                float[] nll = OutputPositions.forward(model, adapterFor(chunk, promptOf), batch.ids(), false)
                        .nll(targets).toFloatArray(); // (N)
                double[] sum = new double[chunk.length];
                int[] count = new int[chunk.length];
                for (int j = 0; j < nll.length; j++) {
                    sum[targets.rows()[j]] += nll[j];
                    count[targets.rows()[j]]++;
                }
                for (int i = 0; i < chunk.length; i++) {
                    out[chunk[i]] = sum[i] / Math.max(1, count[i]);
                }
            }
        }
        return out;
    }

    /**
     * The log-probability of each of {@code tokens} as the next token after each context:
     * [context][token], context i under prompt {@code promptOf[i]}. One output row per context,
     * however many tokens are asked for (single-token labels are scored from one forward pass).
     */
    public double[][] nextTokenLogProbs(List<int[]> contexts, int[] promptOf, int[] tokens) {
        double[][] out = new double[contexts.size()][tokens.length];
        for (int[] chunk : chunks(contexts.stream().mapToInt(ctx -> ctx.length).toArray())) {
            try (NDManager scope = model.manager().newSubManager()) {
                int t = 0;
                for (int i : chunk) {
                    t = Math.max(t, contexts.get(i).length);
                }
                long[] ids = new long[chunk.length * t];
                Arrays.fill(ids, padId);
                int[] last = new int[chunk.length];
                for (int row = 0; row < chunk.length; row++) {
                    int[] ctx = contexts.get(chunk[row]);
                    for (int j = 0; j < ctx.length; j++) {
                        ids[row * t + j] = ctx[j];
                    }
                    last[row] = ctx.length - 1; // right padding: the last real position reads the whole context
                }
                NDArray batchIds = scope.create(ids, new ai.djl.ndarray.types.Shape(chunk.length, t)); // (B, T)
                int[] rows = IntStream.range(0, chunk.length).toArray();
                NDArray logProbs = OutputPositions.forward(model, adapterFor(chunk, promptOf), batchIds, false)
                        .logProbs(rows, last); // (B, V)
                long[] wanted = new long[chunk.length * tokens.length];
                for (int i = 0; i < wanted.length; i++) {
                    wanted[i] = tokens[i % tokens.length];
                }
                NDArray index = scope.create(wanted, new ai.djl.ndarray.types.Shape(chunk.length, tokens.length)); // (B, L)
                float[] picked = logProbs.gather(index, 1).toFloatArray(); // (B, L)
                for (int row = 0; row < chunk.length; row++) {
                    for (int j = 0; j < tokens.length; j++) {
                        out[chunk[row]][j] = picked[row * tokens.length + j];
                    }
                }
            }
        }
        return out;
    }

    /** The adapter for a batch of these sequences: the one adapter, or the K prompts assigned row by row. */
    private Adapter adapterFor(int[] chunk, int[] promptOf) {
        if (prompts.size() <= 1) {
            return prompts.isEmpty() ? null : prompts.get(0);
        }
        int[] rows = new int[chunk.length];
        for (int i = 0; i < chunk.length; i++) {
            rows[i] = promptOf[chunk[i]];
        }
        return new MultiPrompt(prompts, rows);
    }

    /** Indices in batches of similar length (sorted by length), so a batch pads little. */
    private List<int[]> chunks(int[] lengths) {
        Integer[] order = IntStream.range(0, lengths.length).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingInt(i -> lengths[i]));
        List<int[]> out = new ArrayList<>();
        for (int start = 0; start < order.length; start += batchSize) {
            int end = Math.min(order.length, start + batchSize);
            int[] c = new int[end - start];
            for (int i = start; i < end; i++) {
                c[i - start] = order[i];
            }
            out.add(c);
        }
        return out;
    }
}
