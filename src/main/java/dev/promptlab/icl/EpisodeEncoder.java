package dev.promptlab.icl;

import dev.promptlab.task.EncodedExample;
import dev.promptlab.task.Encoder;
import dev.promptlab.task.Example;
import dev.promptlab.tokenize.Tokenizer;

import java.util.ArrayList;
import java.util.List;

/**
 * Lays out a query after its demonstrations ({@link PromptLayout}) and encodes it for one model,
 * so that training and decoding read exactly the same text. The demonstrations come most similar
 * first (as retrievers return them) and are written in the reverse order, so the most similar
 * one stands next to the query. When the layout, the virtual tokens before it and the room the
 * answer needs overflow the model's context, demonstrations are dropped from the least similar
 * until it fits, and the episode counts them; the soft prompt and the query are never cut.
 */
public final class EpisodeEncoder {
    private final PromptLayout layout;
    private final Encoder encoder;
    private final int contextLength;
    private final int virtualTokens;

    /**
     * @param contextLength the model's context in positions
     * @param virtualTokens positions a prompt takes before the text (0 for none)
     */
    public EpisodeEncoder(PromptLayout layout, Tokenizer tokenizer, int contextLength, int virtualTokens) {
        if (virtualTokens < 0 || virtualTokens >= contextLength) {
            throw new IllegalArgumentException("virtual tokens must be in [0, " + contextLength + "), got " + virtualTokens);
        }
        this.layout = layout;
        this.encoder = new Encoder(tokenizer, layout.template());
        this.contextLength = contextLength;
        this.virtualTokens = virtualTokens;
    }

    /**
     * A training episode: the target is the query's output followed by EOS (the model learns to
     * stop), and the whole sequence but its last token must fit.
     */
    public Episode training(Example query, List<Demonstration> demonstrations) {
        return fit(query, demonstrations, true, 0);
    }

    /**
     * A decoding episode: the context must leave room for {@code newTokens} generated tokens
     * (the target, the plain output, is the reference only).
     */
    public Episode decoding(Example query, List<Demonstration> demonstrations, int newTokens) {
        if (newTokens < 1) {
            throw new IllegalArgumentException("new tokens must be >= 1, got " + newTokens);
        }
        return fit(query, demonstrations, false, newTokens);
    }

    private Episode fit(Example query, List<Demonstration> demonstrations, boolean training, int newTokens) {
        List<Demonstration> kept = new ArrayList<>(demonstrations);
        while (true) {
            EncodedExample e = encode(query, kept, training);
            int needed = virtualTokens + e.context().length + (training ? e.target().length - 1 : newTokens);
            if (needed <= contextLength) {
                return new Episode(query, kept, e, demonstrations.size() - kept.size());
            }
            if (kept.isEmpty()) {
                throw new IllegalArgumentException("the example with input \"" + shorten(query.input()) + "\" needs "
                        + needed + " positions (prompt " + virtualTokens + " + text " + e.context().length + " + "
                        + (training ? "answer " + (e.target().length - 1) : newTokens + " new tokens")
                        + ") without any demonstration, but the model's context is " + contextLength);
            }
            kept.remove(kept.size() - 1); // the least similar goes first
        }
    }

    private EncodedExample encode(Example query, List<Demonstration> demonstrations, boolean training) {
        List<Example> shown = new ArrayList<>(Demonstration.examples(demonstrations));
        java.util.Collections.reverse(shown); // the most similar next to the query
        return encoder.encode(layout.layout(shown, query), training);
    }

    private static String shorten(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }
}
