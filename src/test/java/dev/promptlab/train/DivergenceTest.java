package dev.promptlab.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.promptlab.adapt.Adapter;
import dev.promptlab.adapt.SoftPromptConfig;
import dev.promptlab.model.LanguageModel;
import dev.promptlab.task.EncodedExample;
import dev.promptlab.tensor.Rng;
import dev.promptlab.tensor.Scalars;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A NaN or infinite loss or gradient stops training at the step it appears: the message names
 * the step and suggests a tenth of the learning rate; the bad step changes no parameter; the last
 * checkpoint is byte for byte the one an undisturbed run writes at that step; and a run resumed
 * from it with the lower rate trains to the end with finite losses.
 */
class DivergenceTest {
    private static final int BAD_STEP = 7;
    private static final int EVERY = 5;
    private static final TrainConfig CONFIG = new TrainConfig(12, 3, 0.03, 0, 0.0, 1.0, 5, 1, EVERY);
    @TempDir
    Path dir;

    /** What goes wrong at the bad step. */
    enum Fault {
        LOSS_NAN("the loss is NaN"), LOSS_INFINITE("the loss is Infinity"), GRADIENT_NAN("the gradient norm is NaN"),
        GRADIENT_INFINITE("the gradient norm is Infinity");

        final String message;

        Fault(String message) {
            this.message = message;
        }

        /**
         * {@code loss} with the fault. The gradient faults keep the loss's value: x = p − stop(p)
         * is 0 with gradient 1, and √x has gradient +∞ at 0 (0·√x: 0·∞ = NaN).
         */
        NDArray apply(NDArray loss, NDArray param) {
            switch (this) {
                case LOSS_NAN:
                    return loss.add(Scalars.like(loss, Double.NaN));
                case LOSS_INFINITE:
                    return loss.add(Scalars.like(loss, Double.POSITIVE_INFINITY));
                default:
                    NDArray zero = param.sub(param.stopGradient()).sum().sqrt(); // () value 0
                    NDArray term = this == GRADIENT_NAN ? zero.mul(Scalars.like(zero, 0)) : zero;
                    return loss.add(term);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Fault.class)
    void stopsAtTheStepKeepsTheCheckpointAndResumesWithALowerRate(Fault fault) throws IOException {
        List<EncodedExample> examples = TinyTraining.examples(10, 3);
        Path reference = dir.resolve("reference");
        Map<String, float[]> beforeBadStep;
        try (NDManager m = NDManager.newBaseManager(); LanguageModel model = TinyTraining.gpt(m, 1);
                Adapter prompt = prompt(model)) { // undisturbed, stopped after step 6
            Trainer t = trainer(model, prompt, examples, CONFIG, null, fault);
            t.addListener(new Checkpointer(reference, EVERY));
            t.addListener(stopAfter(BAD_STEP - 1));
            assertThrows(Stop.class, t::run);
            beforeBadStep = TinyTraining.values(prompt.parameters());
        }
        Path checkpoint = dir.resolve("checkpoint");
        try (NDManager m = NDManager.newBaseManager(); LanguageModel model = TinyTraining.gpt(m, 1);
                Adapter prompt = prompt(model)) {
            Trainer t = trainer(model, prompt, examples, CONFIG, BAD_STEP, fault);
            t.addListener(new Checkpointer(checkpoint, EVERY));
            TrainingDivergedException e = assertThrows(TrainingDivergedException.class, t::run);
            assertEquals(BAD_STEP, e.step());
            assertTrue(e.getMessage().startsWith("training diverged at step 7: " + fault.message), e.getMessage());
            assertTrue(e.getMessage().contains("--lr 0.003"), "suggests a tenth of the rate: " + e.getMessage());
            assertEquals(BAD_STEP - 1, t.step(), "the bad step is not counted");
            Map<String, float[]> after = TinyTraining.values(prompt.parameters());
            beforeBadStep.forEach((k, v) -> assertTrue(Arrays.equals(v, after.get(k)), "the bad step changed " + k));
        }
        for (String file : List.of("parameters.safetensors", "optimizer.safetensors", "state.json")) {
            assertArrayEquals(Files.readAllBytes(reference.resolve(file)), Files.readAllBytes(checkpoint.resolve(file)),
                    "checkpoint " + file + " is the undisturbed run's at step " + EVERY);
        }

        TrainConfig lower = new TrainConfig(CONFIG.steps(), CONFIG.batchSize(), 0.003, CONFIG.warmupSteps(),
                CONFIG.weightDecay(), CONFIG.gradClip(), CONFIG.seed(), CONFIG.logEvery(), CONFIG.checkpointEvery());
        try (NDManager m = NDManager.newBaseManager(); LanguageModel model = TinyTraining.gpt(m, 1);
                Adapter prompt = prompt(model); NDManager scope = m.newSubManager()) {
            Trainer t = trainer(model, prompt, examples, lower, null, fault);
            t.restore(Checkpoint.load(checkpoint, scope));
            assertEquals(EVERY, t.step());
            double[] worst = {0};
            t.addListener((info, trainer) -> worst[0] = Double.isFinite(info.loss()) ? Math.max(worst[0], info.loss())
                    : Double.NaN);
            t.run();
            assertEquals(CONFIG.steps(), t.step());
            assertTrue(Double.isFinite(worst[0]), "every resumed step's loss is finite");
        }
    }

    private static Adapter prompt(LanguageModel model) {
        return new SoftPromptConfig(3, SoftPromptConfig.Init.RANDOM, null).create(model, null, new Rng(3));
    }

    /** A soft-prompt trainer whose objective turns bad at step {@code badStep} (null: never). */
    private static Trainer trainer(LanguageModel model, Adapter prompt, List<EncodedExample> examples, TrainConfig c,
            Integer badStep, Fault fault) {
        AdapterObjective objective = new AdapterObjective(model, prompt);
        NDArray param = prompt.parameters().values().iterator().next();
        int[] calls = {0};
        Objective faulty = batch -> {
            NDArray loss = objective.loss(batch);
            return badStep != null && ++calls[0] == badStep ? fault.apply(loss, param) : loss;
        };
        return new Trainer(c, prompt.parameters(), faulty, new ExampleSampler(examples, c.batchSize(), 0, 11),
                model.manager());
    }

    private static TrainListener stopAfter(int step) {
        return (info, trainer) -> {
            if (info.step() == step) {
                throw new Stop();
            }
        };
    }

    /** Ends the reference run where the faulty one goes wrong. */
    static final class Stop extends RuntimeException {}
}
