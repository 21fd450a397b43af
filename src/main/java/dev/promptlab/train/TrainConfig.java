package dev.promptlab.train;

/**
 * Optimisation settings for one training run; validated on construction.
 *
 * @param steps optimizer steps
 * @param batchSize sequences per step
 * @param learningRate peak learning rate
 * @param warmupSteps linear warmup from 0 to the peak; then linear decay to 0 at {@code steps}
 * @param weightDecay AdamW's decoupled weight decay
 * @param gradClip maximum global gradient norm (0 disables clipping)
 * @param seed seeds data order and initialisation
 * @param logEvery steps between lines of metrics.jsonl
 * @param checkpointEvery steps between checkpoints (0: only at the end)
 */
public record TrainConfig(int steps, int batchSize, double learningRate, int warmupSteps, double weightDecay,
        double gradClip, long seed, int logEvery, int checkpointEvery) {

    public TrainConfig {
        if (steps < 1) {
            throw new IllegalArgumentException("steps must be >= 1, got " + steps);
        }
        if (batchSize < 1 || batchSize > 65536) {
            throw new IllegalArgumentException("batch size must be in [1, 65536], got " + batchSize);
        }
        if (!(learningRate > 0) || learningRate > 10) {
            throw new IllegalArgumentException("learning rate must be in (0, 10], got " + learningRate);
        }
        if (warmupSteps < 0 || warmupSteps > steps) {
            throw new IllegalArgumentException("warmup steps must be in [0, steps=" + steps + "], got " + warmupSteps);
        }
        if (weightDecay < 0 || weightDecay >= 1) {
            throw new IllegalArgumentException("weight decay must be in [0, 1), got " + weightDecay);
        }
        if (gradClip < 0) {
            throw new IllegalArgumentException("gradient clip must be >= 0 (0 disables), got " + gradClip);
        }
        if (logEvery < 1) {
            throw new IllegalArgumentException("log interval must be >= 1, got " + logEvery);
        }
        if (checkpointEvery < 0) {
            throw new IllegalArgumentException("checkpoint interval must be >= 0, got " + checkpointEvery);
        }
    }
}
