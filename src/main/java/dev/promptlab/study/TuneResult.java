package dev.promptlab.study;

import java.nio.file.Path;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * What a tuning run produced: one {@link SeedRun} per seed (one for a single run).
 *
 * @param out the run directory
 * @param runs one per seed, in the order of the seeds
 */
public record TuneResult(Path out, List<SeedRun> runs) {

    /**
     * One seed's run.
     *
     * @param seed the seed
     * @param dir its run directory ({@code out}, or {@code out/seed-S})
     * @param output what it wrote: {@code dir/adapter}, or {@code dir/model} for full tuning
     * @param steps steps trained
     * @param finalLoss the objective at the last step
     * @param trainAccuracy verbalizer accuracy on (up to 512 of) the training examples; NaN for generation
     * @param trainAccuracyN examples it was measured on (0 for generation)
     * @param trainableParameters trained elements
     */
    public record SeedRun(long seed, Path dir, Path output, int steps, double finalLoss, double trainAccuracy,
            int trainAccuracyN, long trainableParameters) {
        public boolean hasTrainAccuracy() {
            return trainAccuracyN > 0;
        }
    }

    /** Mean and sample standard deviation (n − 1; 0 for one value) of a figure over seeds. */
    public record Spread(double mean, double std, int n) {
        static Spread of(List<SeedRun> runs, ToDoubleFunction<SeedRun> figure) {
            return of(runs.stream().mapToDouble(figure).toArray());
        }

        /** Mean and sample standard deviation of {@code v} (NaN mean for none). */
        public static Spread of(double... v) {
            double mean = java.util.Arrays.stream(v).average().orElse(Double.NaN);
            double ss = java.util.Arrays.stream(v).map(x -> (x - mean) * (x - mean)).sum();
            return new Spread(mean, v.length > 1 ? Math.sqrt(ss / (v.length - 1)) : 0, v.length);
        }
    }

    public Spread finalLoss() {
        return Spread.of(runs, SeedRun::finalLoss);
    }

    /** Over the seeds' train accuracies; NaN mean for generation. */
    public Spread trainAccuracy() {
        return Spread.of(runs, SeedRun::trainAccuracy);
    }
}
