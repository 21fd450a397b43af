package dev.promptlab.eval;

import dev.promptlab.adapt.Adapter;
import dev.promptlab.model.LanguageModel;

/**
 * Greedy decoding with the model's decoding state, for evaluation loops that only need ids: a
 * shorthand for {@link Generator} with {@link DecodingOptions#greedy}.
 */
public final class GreedyDecoder {
    private final LanguageModel model;
    private final Adapter adapter;

    public GreedyDecoder(LanguageModel model, Adapter adapter) {
        this.model = model;
        this.adapter = adapter;
    }

    /**
     * Up to {@code maxTokens} new ids after {@code context}; stops after {@code stopId} (not
     * included) if ≥ 0; empty when the context leaves no room in the model's window.
     */
    public int[] generate(int[] context, int maxTokens, int stopId) {
        Generator g = new Generator(model, adapter, null, stopId);
        if (g.room(context.length) <= 0) {
            return new int[0];
        }
        return g.generate(context, DecodingOptions.greedy(maxTokens)).ids();
    }
}
