package dev.promptlab.train;

/** Hooks around the training loop (progress, metrics, checkpoints, early stopping). */
public interface TrainListener {
    default void onStart(int startStep, int totalSteps) {}

    void onStep(StepInfo info, Trainer trainer);

    default void onEnd(Trainer trainer) {}
}
