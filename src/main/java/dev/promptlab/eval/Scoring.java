package dev.promptlab.eval;

import dev.promptlab.task.DataFormatException;
import dev.promptlab.task.EncodedExample;
import dev.promptlab.task.Encoder;

import java.util.Locale;

/**
 * How a verbalizer scores one label of one example (a prompt, if any, always comes first).
 * Either way the score is a mean negative log-likelihood per scored token, and the label with
 * the lowest score is predicted.
 */
public enum Scoring {
    /**
     * [prompt] x + template → label: the label's tokens after the rendered input. The mean (not the
     * sum) keeps multi-token labels from being penalised for their length.
     */
    DIRECT {
        @Override
        EncodedExample candidate(Encoder encoder, String input, String label) {
            return checked(new EncodedExample(encoder.context(input), encoder.target(label, false)), "label", label);
        }
    },
    /**
     * [prompt] template(label) → x: the input's tokens after the template rendered with the label
     * ({@link ChannelLayout}); predicts the label under which the input is most likely. The input's
     * tokens are the same under every label, so mean and sum rank the labels alike; the mean keeps
     * scores of long and short inputs on one scale.
     */
    CHANNEL {
        @Override
        EncodedExample candidate(Encoder encoder, String input, String label) {
            ChannelLayout layout = new ChannelLayout(encoder.template());
            int[] context = encoder.withBos(encoder.tokenizer().encode(layout.context(label)));
            return checked(new EncodedExample(context, encoder.tokenizer().encode(layout.target(input))), "input", input);
        }
    };

    /** The context and the scored tokens of {@code label} for {@code input}. */
    abstract EncodedExample candidate(Encoder encoder, String input, String label);

    /** Parses the command-line spelling: direct, channel. */
    public static Scoring parse(String s) {
        switch (s.toLowerCase(Locale.ROOT)) {
            case "direct": return DIRECT;
            case "channel": return CHANNEL;
            default: throw new IllegalArgumentException("unknown scoring '" + s + "' (allowed: direct, channel)");
        }
    }

    /** A text with no tokens would score 0 and win every comparison: refuse it, naming it. */
    private static EncodedExample checked(EncodedExample e, String what, String text) {
        if (e.target().length == 0) {
            throw new DataFormatException("the " + what + " \"" + text + "\" has no tokens to score");
        }
        return e;
    }
}
