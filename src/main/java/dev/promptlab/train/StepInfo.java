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
 */
public record StepInfo(int step, int totalSteps, double loss, double learningRate, double gradNorm, double seconds) {}
