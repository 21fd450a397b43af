package dev.promptlab.analysis;

/**
 * The γ chosen for one target text, and what waywardness cost against the unconstrained prompt.
 *
 * @param target the target text
 * @param promptLength P, the target's token count
 * @param selected the chosen γ with its mean accuracy and F1
 * @param meetsF1Threshold whether the chosen γ's mean F1 passed the threshold (false: no γ did,
 *     and the most accurate one was taken)
 * @param bestPlainAccuracy the best mean accuracy at γ = 0 over all targets of the same prompt
 *     length: the best continuous prompt of that length; NaN when the table has no γ = 0 run of
 *     that length
 * @param gap {@code bestPlainAccuracy - selected.meanAccuracy()}: the accuracy the wayward prompt
 *     gives up (negative when it does better); NaN with {@code bestPlainAccuracy}
 */
public record WaywardChoice(String target, int promptLength, GammaMeans selected, boolean meetsF1Threshold,
        double bestPlainAccuracy, double gap) {

    public WaywardChoice {
        if (target == null || selected == null) {
            throw new IllegalArgumentException("a choice needs its target and its selected gamma");
        }
        if (promptLength < 1) {
            throw new IllegalArgumentException("prompt length must be >= 1, got " + promptLength);
        }
        if (!Double.isNaN(bestPlainAccuracy) && !(bestPlainAccuracy >= 0 && bestPlainAccuracy <= 1)) {
            throw new IllegalArgumentException("best gamma = 0 accuracy must be in [0, 1] or NaN, got " + bestPlainAccuracy);
        }
    }

    /** Whether a γ = 0 baseline of the same length was there to compare with. */
    public boolean hasBaseline() {
        return !Double.isNaN(bestPlainAccuracy);
    }
}
