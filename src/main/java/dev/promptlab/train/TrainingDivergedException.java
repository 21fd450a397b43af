package dev.promptlab.train;

/** The loss became NaN or infinite; training stops before the bad update is applied or saved. */
public class TrainingDivergedException extends RuntimeException {
    public TrainingDivergedException(String message) {
        super(message);
    }
}
