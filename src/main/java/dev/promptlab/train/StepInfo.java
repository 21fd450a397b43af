package dev.promptlab.train;

/**
 * What listeners hear after each optimizer step.
 *
 * @param step number of completed steps (1-based)
 * @param totalSteps steps in the run
 * @param loss the batch's loss before the update
 * @param learningRate rate used for the update
 * @param gradNorm global gradient norm before clipping
 * @param seconds wall time of the step
 * @param promptLosses each prompt's loss when K prompts train in one batch (one value otherwise)
 * @param promptGradNorms each prompt's gradient norm before clipping (one value otherwise)
 */
public record StepInfo(int step, int totalSteps, double loss, double learningRate, double gradNorm, double seconds,
        double[] promptLosses, double[] promptGradNorms) {

    /** One prompt (or none): the per-prompt figures are the batch's. */
    public StepInfo(int step, int totalSteps, double loss, double learningRate, double gradNorm, double seconds) {
        this(step, totalSteps, loss, learningRate, gradNorm, seconds, new double[] {loss}, new double[] {gradNorm});
    }

    /** Prompt {@code k}'s loss. */
    public double promptLoss(int k) {
        return promptLosses[k];
    }

    /** Prompt {@code k}'s gradient norm before clipping. */
    public double promptGradNorm(int k) {
        return promptGradNorms[k];
    }
}
