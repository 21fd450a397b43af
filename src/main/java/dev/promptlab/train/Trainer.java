package dev.promptlab.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntToDoubleFunction;

/**
 * The training loop: batch → forward → loss (output tokens only) → backward → clip → AdamW step
 * → listeners. Only the given parameters require gradients, so a frozen backbone computes
 * activation gradients but never weight gradients. Every step's arrays live in a child manager
 * closed at the end of the step, so memory stays flat over long runs.
 */
public final class Trainer implements AutoCloseable {
    private final TrainConfig config;
    private final Map<String, NDArray> params;
    private final Objective objective;
    private final BatchSource data;
    private final NDManager manager;
    private final AdamW optimizer;
    private IntToDoubleFunction schedule;
    private List<List<String>> promptGroups;
    private double[] lastGradNorms = new double[0];
    private final List<TrainListener> listeners = new ArrayList<>();
    private int step;
    private double lastLoss = Double.NaN;
    private double[] lastPromptLosses = new double[0];

    public Trainer(TrainConfig config, Map<String, NDArray> params, Objective objective, BatchSource data,
            NDManager parent) {
        if (params.isEmpty()) {
            throw new IllegalArgumentException("nothing to train: no parameters");
        }
        this.config = config;
        this.params = params;
        this.objective = objective;
        this.data = data;
        this.manager = parent.newSubManager();
        this.optimizer = new AdamW(params, config.weightDecay(), manager);
        this.schedule = new LinearSchedule(config.learningRate(), config.warmupSteps(), config.steps())::at;
        for (NDArray p : params.values()) {
            p.setRequiresGradient(true);
        }
    }

    public Trainer addListener(TrainListener listener) {
        listeners.add(listener);
        return this;
    }

    /**
     * Replaces the learning-rate schedule (by default linear warmup and decay to zero, from the
     * config), e.g. with {@code step -> lr} for the constant rate of plain Adam.
     */
    public Trainer withSchedule(IntToDoubleFunction learningRateAtStep) {
        this.schedule = learningRateAtStep;
        return this;
    }

    /**
     * Multi-prompt batching: each group holds the names of one prompt's parameters, and each
     * prompt's gradient is clipped by its own norm, so K prompts trained in one batch follow the
     * paths of K separate runs (AdamW is elementwise, so its state stays independent too; the
     * objective must sum, not average, over prompts). See {@code adapt.MultiPrompt#groups()}.
     */
    public Trainer clipPerPrompt(List<List<String>> groups) {
        if (groups.isEmpty()) {
            throw new IllegalArgumentException("per-prompt clipping needs at least one prompt");
        }
        this.promptGroups = List.copyOf(groups);
        return this;
    }

    /** Runs from the current step (0, or where {@link #restore} left it) to the configured end. */
    public void run() {
        listeners.forEach(l -> l.onStart(step, config.steps()));
        while (step < config.steps()) {
            long start = System.nanoTime();
            double lr = schedule.applyAsDouble(step);
            double loss;
            double gradNorm;
            try (NDManager scope = manager.newSubManager()) {
                Batch batch = data.next(scope);
                try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    loss = objective.lossAndGradients(batch, collector);
                    if (!Double.isFinite(loss)) {
                        throw new TrainingDivergedException(step + 1, "the loss is " + loss, lr, config.learningRate());
                    }
                }
                double[] norms;
                if (promptGroups != null) {
                    norms = optimizer.clipGradientsPerGroup(config.gradClip(), promptGroups);
                    gradNorm = java.util.Arrays.stream(norms).max().orElse(0);
                } else {
                    gradNorm = optimizer.clipGradients(config.gradClip());
                    norms = new double[] {gradNorm};
                }
                for (int k = 0; k < norms.length; k++) { // checked before the update: a bad step changes nothing
                    if (!Double.isFinite(norms[k])) {
                        throw new TrainingDivergedException(step + 1, "the gradient norm"
                                + (norms.length > 1 ? " of prompt " + k : "") + " is " + norms[k], lr, config.learningRate());
                    }
                }
                lastGradNorms = norms;
                optimizer.step(lr);
            }
            step++;
            lastLoss = loss;
            double[] promptLosses = objective.promptLosses();
            if (promptLosses.length == 0) {
                promptLosses = new double[] {loss};
            }
            lastPromptLosses = promptLosses;
            StepInfo info = new StepInfo(step, config.steps(), loss, lr, gradNorm, (System.nanoTime() - start) / 1e9,
                    promptLosses, lastGradNorms.clone());
            for (TrainListener l : listeners) {
                l.onStep(info, this);
            }
        }
        listeners.forEach(l -> l.onEnd(this));
    }

    public int step() {
        return step;
    }

    public double lastLoss() {
        return lastLoss;
    }

    /** Each prompt's loss at the last step (one value when the objective does not split by prompt). */
    public double[] lastPromptLosses() {
        return lastPromptLosses.clone();
    }

    /** Each prompt's gradient norm before clipping at the last step (one value without per-prompt clipping). */
    public double[] lastGradNorms() {
        return lastGradNorms.clone();
    }

    public TrainConfig config() {
        return config;
    }

    public Map<String, NDArray> parameters() {
        return params;
    }

    public AdamW optimizer() {
        return optimizer;
    }

    public BatchSource data() {
        return data;
    }

    public Objective objective() {
        return objective;
    }

    /** Frees the optimizer's moments and everything else this loop allocated (the parameters stay). */
    @Override
    public void close() {
        manager.close();
    }

    /**
     * Continues from a checkpoint: parameters, optimizer moments, step, data position, random
     * stream and the last step's losses.
     */
    public void restore(Checkpoint.State state) {
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            NDArray saved = state.parameters().get(e.getKey());
            if (saved == null || !saved.getShape().equals(e.getValue().getShape())) {
                throw new IllegalArgumentException("checkpoint parameter '" + e.getKey() + "' is missing or has shape "
                        + (saved == null ? "none" : saved.getShape()) + ", expected " + e.getValue().getShape());
            }
            e.getValue().set(saved.toFloatArray());
        }
        optimizer.restore(state.optimizer(), state.step());
        data.restore(state.dataState());
        if (state.randomState().length > 0) {
            objective.restoreRandomState(state.randomState());
        }
        step = state.step();
        if (state.losses().length > 0) {
            lastLoss = state.losses()[0];
            lastPromptLosses = java.util.Arrays.copyOfRange(state.losses(), 1, state.losses().length);
        }
    }
}
