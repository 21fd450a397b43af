package dev.promptlab.eval;

import java.util.List;

/**
 * How {@link Generator} continues a text. Greedy when {@code temperature} is 0 and {@code beams}
 * is 1; sampling (optionally nucleus, Holtzman et al. 2020) when {@code temperature} > 0; beam
 * search when {@code beams} > 1 (deterministic, so it cannot be combined with sampling).
 *
 * @param maxTokens new tokens at most (≥ 1)
 * @param temperature 0 for greedy / beam search, else the softmax temperature in (0, 100]
 * @param topP nucleus mass in (0, 1]; 1 keeps the whole distribution
 * @param beams beam width (1 = no beam search)
 * @param lengthPenalty beam search ranks finished hypotheses by sum(log p) / length^lengthPenalty
 *     (Hugging Face's convention; 1 = mean log-probability, 0 = raw sum)
 * @param stopStrings generation stops as soon as the decoded continuation contains one of these;
 *     the text from the stop string on is cut off
 * @param seed sampling seed
 */
public record DecodingOptions(int maxTokens, double temperature, double topP, int beams, double lengthPenalty,
        List<String> stopStrings, long seed) {

    public DecodingOptions {
        if (maxTokens < 1) {
            throw new IllegalArgumentException("max tokens must be >= 1, got " + maxTokens);
        }
        if (!(temperature >= 0) || temperature > 100) {
            throw new IllegalArgumentException("temperature must be in [0, 100] (0 = greedy), got " + temperature);
        }
        if (!(topP > 0) || topP > 1) {
            throw new IllegalArgumentException("top-p must be in (0, 1], got " + topP);
        }
        if (topP < 1 && temperature == 0) {
            throw new IllegalArgumentException("top-p " + topP + " needs sampling: set a temperature > 0");
        }
        if (beams < 1 || beams > 64) {
            throw new IllegalArgumentException("beams must be in [1, 64], got " + beams);
        }
        if (beams > 1 && temperature > 0) {
            throw new IllegalArgumentException("beam search (" + beams + " beams) is deterministic; it cannot be"
                    + " combined with sampling (temperature " + temperature + ")");
        }
        if (!Double.isFinite(lengthPenalty)) {
            throw new IllegalArgumentException("length penalty must be finite, got " + lengthPenalty);
        }
        stopStrings = stopStrings == null ? List.of() : List.copyOf(stopStrings);
        for (String s : stopStrings) {
            if (s.isEmpty()) {
                throw new IllegalArgumentException("a stop string must not be empty");
            }
        }
    }

    /** Greedy decoding of at most {@code maxTokens} tokens, stopping at EOS only. */
    public static DecodingOptions greedy(int maxTokens) {
        return new DecodingOptions(maxTokens, 0, 1, 1, 1, List.of(), 0);
    }

    public boolean sampling() {
        return temperature > 0;
    }
}
