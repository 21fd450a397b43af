package dev.promptlab.train;

/**
 * The loss or a gradient became NaN or infinite; training stops before the bad update is applied
 * or saved, so the last checkpoint is the last good state. The message names the step, what
 * went wrong and the learning rate of that step, and suggests a lower one.
 */
public class TrainingDivergedException extends RuntimeException {
    private final int step;
    private final double learningRate;

    /**
     * @param step the step that failed (1-based; {@code step - 1} steps were applied)
     * @param what what was not finite, e.g. "the loss is NaN"
     * @param learningRate the learning rate of that step
     * @param peak the configured (peak) learning rate, of which a tenth is suggested
     */
    public TrainingDivergedException(int step, String what, double learningRate, double peak) {
        super("training diverged at step " + step + ": " + what + " (learning rate " + learningRate
                + " at that step, peak " + peak + "); the step was not applied. Lower the learning rate (e.g. --lr "
                + suggestedRate(peak) + "), raise --warmup, or clip gradients harder (--clip)");
        this.step = step;
        this.learningRate = peak;
    }

    /** A message with more to say (e.g. where the last checkpoint is), same step and rate. */
    public TrainingDivergedException(TrainingDivergedException cause, String message) {
        super(message, cause);
        this.step = cause.step;
        this.learningRate = cause.learningRate;
    }

    /** The step that failed (1-based). */
    public int step() {
        return step;
    }

    /** The configured (peak) learning rate of the run that diverged. */
    public double learningRate() {
        return learningRate;
    }

    /** A tenth of {@code lr}, written plainly (0.003, not 0.0030000000000000005). */
    public static String suggestedRate(double lr) {
        return new java.math.BigDecimal(lr / 10).round(new java.math.MathContext(2)).stripTrailingZeros()
                .toPlainString();
    }
}
