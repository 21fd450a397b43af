package dev.promptlab.train;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import java.time.Duration;

/** A console progress bar with the running loss, steps per second and ETA (on stderr). */
public final class ProgressListener implements TrainListener {
    private final String label;
    private ProgressBar bar;
    private double smoothedLoss = Double.NaN;

    public ProgressListener(String label) {
        this.label = label;
    }

    @Override
    public void onStart(int startStep, int totalSteps) {
        // 160 columns: with long labels ("pretrain builtin:small") 110 left no room for the bar and cut the loss
        bar = new ProgressBarBuilder().setTaskName(label).setInitialMax(totalSteps).setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(500).showSpeed().setSpeedUnit(java.time.temporal.ChronoUnit.SECONDS)
                .setUnit(" steps", 1).setMaxRenderedLength(160).continuousUpdate().startsFrom(startStep, Duration.ZERO)
                .setConsumer(new me.tongfei.progressbar.ConsoleProgressBarConsumer(System.err)).build();
    }

    @Override
    public void onStep(StepInfo info, Trainer trainer) {
        // an exponential moving average reads better than the noisy per-batch loss
        smoothedLoss = Double.isNaN(smoothedLoss) ? info.loss() : 0.9 * smoothedLoss + 0.1 * info.loss();
        bar.stepTo(info.step());
        bar.setExtraMessage(String.format(" loss %.4f", smoothedLoss));
    }

    @Override
    public void onEnd(Trainer trainer) {
        if (bar != null) {
            bar.close();
        }
    }
}
