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

import java.util.ArrayList;
import java.util.List;

/**
 * Greedy decoding with the model's decoding state (key/value cache): the context (with the
 * adapter applied) is read once, then each new token costs one position.
 */
public final class GreedyDecoder {
    private final LanguageModel model;
    private final Adapter adapter;

    public GreedyDecoder(LanguageModel model, Adapter adapter) {
        this.model = model;
        this.adapter = adapter;
    }

    /** Up to {@code maxTokens} new ids after {@code context}; stops after {@code stopId} (not included) if ≥ 0. */
    public int[] generate(int[] context, int maxTokens, int stopId) {
        int virtual = adapter == null ? 0 : adapter.contextPositions();
        int room = model.config().contextLength() - virtual - context.length;
        int budget = Math.min(maxTokens, Math.max(0, room));
        List<Integer> out = new ArrayList<>();
        if (budget == 0) {
            return new int[0];
        }
        try (NDManager scope = model.manager().newSubManager()) {
            long[] ids = new long[context.length];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = context[i];
            }
            ModelInput input = ModelInput.ofIds(scope.create(ids, new Shape(1, ids.length))).withCache(true); // (1, T)
            DecodingState state = null;
            for (int step = 0; step < budget; step++) {
                if (adapter != null) {
                    input = adapter.apply(input, model);
                }
                ModelOutput output = model.forward(input);
                NDArray last = output.logits().get(new NDIndex(":, -1, :")); // (1, V)
                int next = (int) last.argMax(1).toLongArray()[0];
                if (state != null) {
                    state.close();
                }
                state = output.state();
                if (next == stopId) {
                    break;
                }
                out.add(next);
                input = ModelInput.ofIds(scope.create(new long[] {next}, new Shape(1, 1))).withPast(state).withCache(true);
            }
            if (state != null) {
                state.close();
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }
}
