package dev.promptlab.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** Saves a {@link Checkpoint} every {@code every} steps (0: never periodically) and at the end. */
public final class Checkpointer implements TrainListener {
    private final Path dir;
    private final int every;

    public Checkpointer(Path dir, int every) {
        this.dir = dir;
        this.every = every;
    }

    @Override
    public void onStep(StepInfo info, Trainer trainer) {
        if (every > 0 && info.step() % every == 0 && info.step() != info.totalSteps()) {
            save(trainer);
        }
    }

    @Override
    public void onEnd(Trainer trainer) {
        save(trainer);
    }

    private void save(Trainer trainer) {
        try {
            Checkpoint.save(trainer, dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write checkpoint " + dir + ": " + e.getMessage(), e);
        }
    }
}
