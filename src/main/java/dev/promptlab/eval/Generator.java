package dev.promptlab.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.promptlab.adapt.Adapter;
import dev.promptlab.model.DecodingState;
import dev.promptlab.model.LanguageModel;
import dev.promptlab.model.ModelInput;
import dev.promptlab.model.ModelOutput;
import dev.promptlab.tokenize.Tokenizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Continues a context with a model (and optional adapter) using its decoding state: the context
 * is read once, then each new token costs one position. Greedy, sampled (temperature, top-p) or
 * beam search ({@link BeamSearch}), per {@link DecodingOptions}; stops at EOS, at a stop string,
 * at the token budget or when the context window is full.
 *
 * <p>Memory stays flat however long the continuation: each step's arrays live in their own
 * manager, closed once the next step has produced its decoding state.
 *
 * <p>Contexts that share a leading part can skip reading it: {@link #readPrefix} reads it once,
 * {@link #reusing} continues every context from it ({@link SharedPrefix} does both).
 */
public final class Generator {
    private final LanguageModel model;
    private final Adapter adapter;
    private final Tokenizer tokenizer;
    private final int eosId;
    private final Prefix prefix;

    /**
     * @param adapter applied to every call (it decides itself what to do once a decoding state exists), or null
     * @param tokenizer decodes the continuation and finds stop strings; null gives no text and allows no stop strings
     * @param eosId the end-of-sequence id, or -1 for none
     */
    public Generator(LanguageModel model, Adapter adapter, Tokenizer tokenizer, int eosId) {
        this(model, adapter, tokenizer, eosId, null);
    }

    private Generator(LanguageModel model, Adapter adapter, Tokenizer tokenizer, int eosId, Prefix prefix) {
        this.model = model;
        this.adapter = adapter;
        this.tokenizer = tokenizer;
        this.eosId = eosId;
        this.prefix = prefix;
    }

    /**
     * A leading part of contexts, already read (with the adapter applied, so a soft prompt sits in
     * it): its ids and the decoding state after them, in a manager of its own. Continuing from a
     * state returns a new state and leaves this one intact, so any number of contexts that start
     * with {@code ids} can continue from it. Close it when done.
     */
    public static final class Prefix implements AutoCloseable {
        private final int[] ids;
        private final int rows;
        private final NDManager scope;
        private final DecodingState state;

        private Prefix(int[] ids, int rows, NDManager scope, DecodingState state) {
            this.ids = ids;
            this.rows = rows;
            this.scope = scope;
            this.state = state;
        }

        /** Number of context tokens it covers (the adapter's virtual tokens not counted). */
        public int length() {
            return ids.length;
        }

        @Override
        public void close() {
            state.close();
            scope.close();
        }
    }

    /** Reads {@code ids} once (the adapter applied) and keeps the decoding state after them. */
    public Prefix readPrefix(int[] ids) {
        return readPrefix(ids, 1);
    }

    /**
     * Reads {@code ids} once in each of {@code rows} batch rows (an adapter may give rows different
     * prompts, as a {@code MultiPrompt} of several seeds' prompts does), for {@link #greedyRows}.
     */
    public Prefix readPrefix(int[] ids, int rows) {
        if (ids.length == 0) {
            throw new IllegalArgumentException("a shared prefix needs at least one token");
        }
        NDManager scope = model.manager().newSubManager();
        try (Step step = first(scope, ids, null, rows)) {
            // the step's state belongs to the step's own scope: keep a copy that outlives it
            int[] all = java.util.stream.IntStream.range(0, rows).toArray();
            return new Prefix(ids.clone(), rows, scope, step.state.reorder(all, scope));
        } catch (RuntimeException e) {
            scope.close();
            throw e;
        }
    }

    /**
     * Greedy continuations of one context in each of {@code rows} batch rows at once, one forward
     * per token for all of them: for an adapter that gives each row its own prompt (a
     * {@code MultiPrompt} of K seeds' prompts), the K generations equal what each prompt gives
     * alone. Each row stops on its own (EOS, stop string); decoding ends when all have stopped or
     * at the budget.
     */
    public List<Generation> greedyRows(int[] context, int rows, DecodingOptions options) {
        if (options.sampling() || options.beams() > 1) {
            throw new IllegalArgumentException("decoding several rows at once is greedy only (got temperature "
                    + options.temperature() + ", " + options.beams() + " beams)");
        }
        if (room(context.length) <= 0) {
            throw new IllegalArgumentException("the context has " + context.length + " tokens, leaving no room in the"
                    + " model's context window of " + model.config().contextLength());
        }
        return new RowGreedy(this, options).run(context, rows);
    }

    /**
     * This generator continuing every context from {@code prefix}, whose ids each context must
     * start with (and extend by at least one token): only the rest of a context is read.
     */
    public Generator reusing(Prefix prefix) {
        return new Generator(model, adapter, tokenizer, eosId, prefix);
    }

    /** New tokens the model's context leaves after {@code contextLength} tokens and the adapter's virtual ones. */
    int room(int contextLength) {
        int virtual = adapter == null ? 0 : adapter.contextPositions();
        return model.config().contextLength() - virtual - contextLength;
    }

    public Generation generate(int[] context, DecodingOptions options) {
        if (context.length == 0) {
            throw new IllegalArgumentException("cannot continue an empty context: give at least one token");
        }
        if (!options.stopStrings().isEmpty() && tokenizer == null) {
            throw new IllegalArgumentException("stop strings need a tokenizer to decode the continuation");
        }
        if (room(context.length) <= 0) {
            throw new IllegalArgumentException("the context has " + context.length + " tokens"
                    + (adapter != null && adapter.contextPositions() > 0 ? " (+" + adapter.contextPositions() + " prompt)" : "")
                    + ", leaving no room in the model's context window of " + model.config().contextLength());
        }
        return options.beams() > 1 ? new BeamSearch(this, options).run(context) : sample(context, options);
    }

    private Generation sample(int[] context, DecodingOptions options) {
        TokenSampler sampler = new TokenSampler(options.temperature(), options.topP(), options.seed());
        int budget = Math.min(options.maxTokens(), room(context.length));
        List<Integer> out = new ArrayList<>();
        double logProb = 0;
        Generation.Stop stop = options.maxTokens() <= room(context.length) ? Generation.Stop.MAX_TOKENS
                : Generation.Stop.CONTEXT_FULL;
        try (NDManager root = model.manager().newSubManager()) {
            Step step = first(root, context);
            try {
                for (int produced = 0; ; produced++) {
                    float[] logits = step.lastLogits()[0]; // (V)
                    int next = sampler.next(logits);
                    logProb += TokenSampler.logProb(logits, next);
                    if (next == eosId) {
                        stop = Generation.Stop.EOS;
                        break;
                    }
                    out.add(next);
                    if (stopString(out, options) >= 0) {
                        stop = Generation.Stop.STOP_STRING;
                        break;
                    }
                    if (produced + 1 >= budget) {
                        break;
                    }
                    step = step.next(root, new int[] {next}, null);
                }
            } finally {
                step.close();
            }
        }
        int[] ids = out.stream().mapToInt(Integer::intValue).toArray();
        return new Generation(ids, text(ids, options), stop, logProb);
    }

    /** Reads the context (1, T) with the adapter applied; after this generator's prefix, only the rest. */
    Step first(NDManager root, int[] context) {
        return first(root, context, prefix, 1);
    }

    /** Reads the context in each of {@code rows} rows (rows, T); after this generator's prefix, only the rest. */
    Step first(NDManager root, int[] context, int rows) {
        return first(root, context, prefix, rows);
    }

    private Step first(NDManager root, int[] context, Prefix from, int rows) {
        int skip = 0;
        if (from != null) {
            if (context.length <= from.ids.length
                    || !Arrays.equals(context, 0, from.ids.length, from.ids, 0, from.ids.length)) {
                throw new IllegalArgumentException("the context (" + context.length + " tokens) does not extend the"
                        + " shared prefix of " + from.ids.length + " tokens");
            }
            if (from.rows != rows) {
                throw new IllegalArgumentException("the shared prefix was read in " + from.rows + " rows, not " + rows);
            }
            skip = from.ids.length;
        }
        NDManager scope = root.newSubManager();
        int t = context.length - skip;
        long[] ids = new long[rows * t];
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < t; i++) {
                ids[r * t + i] = context[skip + i];
            }
        }
        ModelInput input = ModelInput.ofIds(scope.create(ids, new Shape(rows, t))).withCache(true); // (rows, T)
        return Step.run(model, adapter, from == null ? input : input.withPast(from.state), scope);
    }

    /** Where the first stop string starts in the decoded continuation, or -1. */
    int stopString(List<Integer> ids, DecodingOptions options) {
        if (options.stopStrings().isEmpty()) {
            return -1;
        }
        return firstStop(tokenizer.decode(ids.stream().mapToInt(Integer::intValue).toArray()), options);
    }

    /** The decoded continuation, cut before the first stop string. */
    String text(int[] ids, DecodingOptions options) {
        if (tokenizer == null) {
            return null;
        }
        String text = tokenizer.decode(ids);
        int cut = firstStop(text, options);
        return cut >= 0 ? text.substring(0, cut) : text;
    }

    private static int firstStop(String text, DecodingOptions options) {
        int first = -1;
        for (String s : options.stopStrings()) {
            int at = text.indexOf(s);
            if (at >= 0 && (first < 0 || at < first)) {
                first = at;
            }
        }
        return first;
    }

    int eosId() {
        return eosId;
    }

    LanguageModel model() {
        return model;
    }

    /**
     * One forward call: its logits and the decoding state it returned, both in {@code scope},
     * a child of the generation's root manager.
     */
    static final class Step implements AutoCloseable {
        private final LanguageModel model;
        private final Adapter adapter;
        private final NDManager scope;
        private final NDArray last; // (B, V) logits of the last position of each row
        final DecodingState state;

        private Step(LanguageModel model, Adapter adapter, NDManager scope, NDArray last, DecodingState state) {
            this.model = model;
            this.adapter = adapter;
            this.scope = scope;
            this.last = last;
            this.state = state;
        }

        static Step run(LanguageModel model, Adapter adapter, ModelInput input, NDManager scope) {
            if (adapter != null) {
                input = adapter.apply(input, model);
            }
            ModelOutput output = model.forward(input);
            NDArray last = output.logits().get(new NDIndex(":, -1, :")); // (B, V)
            return new Step(model, adapter, scope, last, output.state());
        }

        /** The last position's logits of every row, copied out once: {@code [row][token]}. */
        float[][] lastLogits() {
            int rows = rows();
            int v = (int) last.getShape().get(1);
            float[] flat = last.toFloatArray(); // (B·V)
            float[][] out = new float[rows][];
            for (int r = 0; r < rows; r++) {
                out[r] = java.util.Arrays.copyOfRange(flat, r * v, (r + 1) * v); // (V)
            }
            return out;
        }

        int rows() {
            return (int) last.getShape().get(0);
        }

        /**
         * Feeds one new token per row; {@code parents} (may be null = identity) says which row of
         * this step's state each new row continues. Closes this step.
         */
        Step next(NDManager root, int[] tokens, int[] parents) {
            NDManager nextScope = root.newSubManager();
            try {
                DecodingState past = parents == null ? state : state.reorder(parents, nextScope);
                long[] ids = Arrays.stream(tokens).asLongStream().toArray();
                ModelInput input = ModelInput.ofIds(nextScope.create(ids, new Shape(ids.length, 1))) // (B, 1)
                        .withPast(past).withCache(true);
                Step next = run(model, adapter, input, nextScope);
                close(); // the new state holds copies of everything it needs
                return next;
            } catch (RuntimeException e) {
                nextScope.close();
                throw e;
            }
        }

        @Override
        public void close() {
            if (state != null) {
                state.close();
            }
            scope.close();
        }
    }
}
