package dev.promptlab.train;

/** Linear warmup to the peak learning rate, then linear decay to zero at the last step. */
public record LinearSchedule(double peak, int warmupSteps, int totalSteps) {
    /** Learning rate for 0-based {@code step}. */
    public double at(int step) {
        if (step < warmupSteps) {
            return peak * (step + 1) / warmupSteps;
        }
        int decaySteps = Math.max(1, totalSteps - warmupSteps);
        return peak * Math.max(0.0, (double) (totalSteps - step) / decaySteps);
    }
}
