package dev.promptlab.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.promptlab.adapt.Adapter;
import dev.promptlab.adapt.MultiPrompt;
import dev.promptlab.model.DecodingState;
import dev.promptlab.model.LanguageModel;
import dev.promptlab.model.ModelInput;
import dev.promptlab.model.ModelOutput;
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
     *
     * <p>The leading tokens every context shares ({@link SharedPrefix#length}: a BOS, a fixed
     * instruction), together with the adapter's virtual tokens before them, are read once per
     * prompt, and every context continues from that decoding state: for a 20-token soft prompt
     * before 15-token contexts that is less than half the positions. Models whose state cannot be
     * copied row by row read every context whole.
     */
    public double[][] nextTokenLogProbs(List<int[]> contexts, int[] promptOf, int[] tokens) {
        double[][] out = new double[contexts.size()][tokens.length];
        int shared = SharedPrefix.length(contexts);
        if (shared > 0) {
            try (NDManager prefixScope = model.manager().newSubManager()) {
                DecodingState read = readShared(Arrays.copyOf(contexts.get(0), shared), prefixScope);
                nextTokens(contexts, promptOf, tokens, shared, read, out);
                return out;
            } catch (UnsupportedOperationException e) {
                // the model's decoding state cannot be copied row by row: read every context whole below
            }
        }
        nextTokens(contexts, promptOf, tokens, 0, null, out);
        return out;
    }

    /** Every chunk of {@link #nextTokenLogProbs}, each in its own scope. */
    private void nextTokens(List<int[]> contexts, int[] promptOf, int[] tokens, int shared, DecodingState read,
            double[][] out) {
        for (int[] chunk : chunks(contexts.stream().mapToInt(ctx -> ctx.length - shared).toArray())) {
            try (NDManager scope = model.manager().newSubManager()) {
                nextTokens(contexts, promptOf, tokens, chunk, shared, read, scope, out);
            }
        }
    }

    /**
     * The decoding state after {@code ids} with the adapter applied: one row per prompt (row k
     * under prompt k), or one row with one adapter or none.
     */
    private DecodingState readShared(int[] ids, NDManager scope) {
        int rows = Math.max(1, prompts.size());
        long[] flat = new long[rows * ids.length];
        for (int i = 0; i < flat.length; i++) {
            flat[i] = ids[i % ids.length];
        }
        int[] each = IntStream.range(0, rows).toArray();
        Adapter adapter = adapterFor(each, each); // row k under prompt k
        ModelInput first = ModelInput.ofIds(scope.create(flat, new Shape(rows, ids.length))) // (K, P)
                .withCache(true).withLogits(false);
        if (adapter != null) {
            first = adapter.apply(first, model);
        }
        return model.forward(first).state();
    }

    /**
     * One chunk of {@link #nextTokenLogProbs}: its contexts from position {@code shared} on,
     * right-padded (the last real position reads only real tokens), continuing from {@code read}
     * (copied to the chunk's rows, each row from its prompt's row) when {@code shared > 0}.
     */
    private void nextTokens(List<int[]> contexts, int[] promptOf, int[] tokens, int[] chunk, int shared,
            DecodingState read, NDManager scope, double[][] out) {
        int t = 0;
        for (int i : chunk) {
            t = Math.max(t, contexts.get(i).length - shared);
        }
        long[] ids = new long[chunk.length * t];
        Arrays.fill(ids, padId);
        int[] last = new int[chunk.length];
        for (int row = 0; row < chunk.length; row++) {
            int[] ctx = contexts.get(chunk[row]);
            for (int j = shared; j < ctx.length; j++) {
                ids[row * t + j - shared] = ctx[j];
            }
            last[row] = ctx.length - shared - 1;
        }
        NDArray batchIds = scope.create(ids, new Shape(chunk.length, t)); // (B, T)
        DecodingState past = null;
        if (read != null) {
            int[] parents = new int[chunk.length]; // each row continues from its prompt's row of the read
            for (int row = 0; row < chunk.length; row++) {
                parents[row] = prompts.size() <= 1 ? 0 : promptOf[chunk[row]];
            }
            past = read.reorder(parents, scope);
        }
        NDArray logProbs = OutputPositions.forward(model, adapterFor(chunk, promptOf), batchIds, past, false)
                .logProbs(IntStream.range(0, chunk.length).toArray(), last); // (B, V)
        long[] wanted = new long[chunk.length * tokens.length];
        for (int i = 0; i < wanted.length; i++) {
            wanted[i] = tokens[i % tokens.length];
        }
        NDArray index = scope.create(wanted, new Shape(chunk.length, tokens.length)); // (B, L)
        float[] picked = logProbs.gather(index, 1).toFloatArray(); // (B, L)
        for (int row = 0; row < chunk.length; row++) {
            for (int j = 0; j < tokens.length; j++) {
                out[chunk[row]][j] = picked[row * tokens.length + j];
            }
        }
    }

    /**
     * Mean NLL of each continuation after its context, [context][continuation], context i under
     * prompt {@code promptOf[i]}: the same figures as {@link #meanNll} of every (context,
     * continuation) pair, but each context runs once. Its decoding state (key/value cache) is
     * copied to one row per continuation, and the continuations run from it together. Contexts
     * are batched by exact length, so no context is padded; continuations are right-padded, which
     * a causal model's real positions never see. Models whose state cannot be copied row by row
     * score the pairs whole.
     */
    public double[][] continuationNll(List<int[]> contexts, int[] promptOf, int[][] continuations) {
        int l = continuations.length;
        for (int[] c : continuations) {
            if (c.length == 0) {
                throw new IllegalArgumentException("a continuation needs at least one token");
            }
        }
        double[][] out = new double[contexts.size()][l];
        int rowsPerChunk = Math.max(1, batchSize / l); // a chunk's continuation pass has rows × l rows
        for (int[] chunk : sameLengthChunks(contexts, rowsPerChunk)) {
            try (NDManager scope = model.manager().newSubManager()) {
                if (!continueChunk(contexts, promptOf, continuations, chunk, out, scope)) {
                    wholePairs(contexts, promptOf, continuations, chunk, out);
                }
            }
        }
        return out;
    }

    /** One chunk of same-length contexts; false when the model's state cannot be reordered. */
    private boolean continueChunk(List<int[]> contexts, int[] promptOf, int[][] continuations, int[] chunk,
            double[][] out, NDManager scope) {
        int b = chunk.length;
        int l = continuations.length;
        int t = contexts.get(chunk[0]).length;
        long[] ids = new long[b * t];
        for (int row = 0; row < b; row++) {
            int[] ctx = contexts.get(chunk[row]);
            for (int j = 0; j < t; j++) {
                ids[row * t + j] = ctx[j];
            }
        }
        Adapter adapter = adapterFor(chunk, promptOf);
        ModelInput first = ModelInput.ofIds(scope.create(ids, new Shape(b, t))).withCache(true).withLogits(false); // (B, T)
        if (adapter != null) {
            first = adapter.apply(first, model);
        }
        ModelOutput read = model.forward(first); // its decoding state lives in a child of scope
        NDArray hidden = read.hidden(); // (B, S, C), S = T plus any virtual positions before the context
        NDArray last = hidden.get(new NDIndex(":, {}, :", hidden.getShape().get(1) - 1)); // (B, C)
        long[] firstTokens = new long[b * l];
        for (int i = 0; i < firstTokens.length; i++) {
            firstTokens[i] = continuations[i % l][0];
        }
        NDArray firstIndex = scope.create(firstTokens, new Shape(b, l)); // (B, L)
        float[] firstLogProbs = model.logitsOf(last, first.lowRank()).logSoftmax(1).gather(firstIndex, 1)
                .toFloatArray(); // (B·L): row (i, c) = i·l + c
        double[] sum = new double[b * l]; // summed NLL of continuation c after context row i, at i·l + c
        for (int i = 0; i < sum.length; i++) {
            sum[i] = -firstLogProbs[i];
        }
        int rest = 0; // tokens after the first, most of any continuation
        int later = 0; // positions scored after the first token, over all B·L rows
        for (int[] c : continuations) {
            rest = Math.max(rest, c.length - 1);
            later += b * (c.length - 1);
        }
        if (rest > 0) {
            int[] parents = new int[b * l]; // row (i, c) continues context row i
            int[] contextRows = new int[b * l];
            for (int i = 0; i < parents.length; i++) {
                parents[i] = i / l;
                contextRows[i] = chunk[i / l];
            }
            DecodingState copied;
            try {
                copied = read.state().reorder(parents, scope); // in a child of scope
            } catch (UnsupportedOperationException e) {
                return false;
            }
            long[] next = new long[b * l * rest]; // (B·L, R): token j is read to predict token j + 1
            java.util.Arrays.fill(next, padId);
            int[] columns = new int[later]; // each scored position's column in its row
            long[] targets = new long[later];
            int[] owner = new int[later]; // its row (i, c)
            for (int i = 0, k = 0; i < b * l; i++) {
                int[] c = continuations[i % l];
                for (int j = 0; j + 1 < c.length; j++, k++) {
                    next[i * rest + j] = c[j];
                    columns[k] = j;
                    targets[k] = c[j + 1];
                    owner[k] = i;
                }
            }
            NDArray nextIds = scope.create(next, new Shape((long) b * l, rest)); // (B·L, R)
            float[] nll = OutputPositions.forward(model, adapterFor(contextRows, promptOf), nextIds, copied, false)
                    .nll(owner, columns, targets).toFloatArray(); // (N)
            for (int k = 0; k < later; k++) {
                sum[owner[k]] += nll[k];
            }
        }
        for (int i = 0; i < b * l; i++) {
            out[chunk[i / l]][i % l] = sum[i] / continuations[i % l].length;
        }
        return true;
    }

    /** The chunk's (context, continuation) pairs scored whole. */
    private void wholePairs(List<int[]> contexts, int[] promptOf, int[][] continuations, int[] chunk, double[][] out) {
        int l = continuations.length;
        List<EncodedExample> pairs = new ArrayList<>(chunk.length * l);
        int[] pairPrompt = new int[chunk.length * l];
        for (int row = 0; row < chunk.length; row++) {
            for (int c = 0; c < l; c++) {
                pairPrompt[pairs.size()] = promptOf[chunk[row]];
                pairs.add(new EncodedExample(contexts.get(chunk[row]), continuations[c]));
            }
        }
        double[] nll = meanNll(pairs, pairPrompt);
        for (int row = 0; row < chunk.length; row++) {
            System.arraycopy(nll, row * l, out[chunk[row]], 0, l);
        }
    }

    /** Indices grouped by exact context length, at most {@code rows} per chunk. */
    private static List<int[]> sameLengthChunks(List<int[]> contexts, int rows) {
        java.util.TreeMap<Integer, List<Integer>> byLength = new java.util.TreeMap<>();
        for (int i = 0; i < contexts.size(); i++) {
            byLength.computeIfAbsent(contexts.get(i).length, k -> new ArrayList<>()).add(i);
        }
        List<int[]> out = new ArrayList<>();
        for (List<Integer> same : byLength.values()) {
            for (int start = 0; start < same.size(); start += rows) {
                out.add(same.subList(start, Math.min(same.size(), start + rows)).stream().mapToInt(Integer::intValue)
                        .toArray());
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
