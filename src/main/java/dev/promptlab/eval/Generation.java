package dev.promptlab.eval;

/**
 * One generated continuation.
 *
 * @param ids the new token ids (EOS not included)
 * @param text the decoded continuation, cut before a stop string; null when no tokenizer was given
 * @param stop why generation ended
 * @param logProb sum of the natural-log probabilities of {@code ids} (and of EOS when it ended there)
 */
public record Generation(int[] ids, String text, Stop stop, double logProb) {

    /** Why a generation ended. */
    public enum Stop {
        /** the model produced the end-of-sequence token */
        EOS,
        /** the decoded text reached one of the stop strings */
        STOP_STRING,
        /** the requested number of new tokens was reached */
        MAX_TOKENS,
        /** the model's context window is full */
        CONTEXT_FULL
    }
}
