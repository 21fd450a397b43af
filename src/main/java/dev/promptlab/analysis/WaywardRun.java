package dev.promptlab.analysis;

/**
 * The figures of one trained wayward prompt: which target text it was pulled towards, with which
 * γ and training seed, and what it achieved.
 *
 * @param target the target text (or any key that names it uniquely)
 * @param promptLength P, the target's token count
 * @param gamma weight of the projection term, finite and &ge; 0 (0: the plain task loss)
 * @param seed the training seed
 * @param accuracy task accuracy in [0, 1]
 * @param f1 prompt F1 ({@link dev.promptlab.eval.SquadF1#f1(String, String)}) of the projected prompt against the target, in [0, 1]
 */
public record WaywardRun(String target, int promptLength, double gamma, long seed, double accuracy, double f1) {

    public WaywardRun {
        if (target == null) {
            throw new IllegalArgumentException("a run needs its target text, got null");
        }
        if (promptLength < 1) {
            throw new IllegalArgumentException("prompt length must be >= 1, got " + promptLength + " (target \""
                    + target + "\")");
        }
        if (!(gamma >= 0) || Double.isInfinite(gamma)) {
            throw new IllegalArgumentException("gamma must be finite and >= 0, got " + gamma + " (target \"" + target + "\")");
        }
        requireFraction("accuracy", accuracy, target);
        requireFraction("f1", f1, target);
    }

    private static void requireFraction(String what, double value, String target) {
        if (!(value >= 0 && value <= 1)) {
            throw new IllegalArgumentException(what + " must be in [0, 1], got " + value + " (target \"" + target + "\")");
        }
    }
}
