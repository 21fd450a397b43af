package dev.promptlab.bench;

import dev.promptlab.train.MetricsTime;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What a user waits for around the work itself, each as a fresh child process (a new JVM, as a
 * user's command line is): {@code promptlab tasks} with the built-in tasks already cached, and a
 * 40-step {@code tune} on a built-in task split into its training steps (from the run's own
 * metrics) and everything else (JVM and engine start, model and task loading, train-accuracy
 * scoring, writing the adapter).
 */
public final class StartupBench {
    private StartupBench() {}

    /**
     * The figures (medians over {@code runs} after {@code warmup} untimed runs, which also fill the
     * task cache).
     *
     * @param tasks wall seconds of {@code promptlab tasks}
     * @param tuneWall wall seconds of the whole tune
     * @param tuneTraining seconds spent in training steps
     * @param tuneOutside wall minus training, per run
     */
    public record Figure(Benchmarks.Timing tasks, Benchmarks.Timing tuneWall, Benchmarks.Timing tuneTraining,
            Benchmarks.Timing tuneOutside, int steps) {}

    public static Figure run(String model, String task, int steps, int warmup, int runs, Path work)
            throws IOException, InterruptedException {
        List<Double> tasks = new ArrayList<>();
        List<Double> wall = new ArrayList<>();
        List<Double> training = new ArrayList<>();
        List<Double> outside = new ArrayList<>();
        for (int i = 0; i < warmup + runs; i++) {
            double t = PromptBatchBench.runChild(List.of("tasks"), work);
            Path out = work.resolve("tune-" + i);
            double w = PromptBatchBench.runChild(List.of("tune", "--model", model, "--task", task, "--steps",
                    Integer.toString(steps), "--quiet", "--out", out.toString()), work);
            double train = MetricsTime.upTo(out.resolve("metrics.jsonl"), Integer.MAX_VALUE);
            if (i >= warmup) {
                tasks.add(t);
                wall.add(w);
                training.add(train);
                outside.add(w - train);
            }
        }
        return new Figure(Benchmarks.Timing.of(tasks), Benchmarks.Timing.of(wall), Benchmarks.Timing.of(training),
                Benchmarks.Timing.of(outside), steps);
    }
}
