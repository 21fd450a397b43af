package dev.promptlab.train;

import ai.djl.ndarray.NDManager;
import dev.promptlab.adapt.Adapter;
import dev.promptlab.adapt.SoftPromptConfig;
import dev.promptlab.model.LanguageModel;
import dev.promptlab.task.EncodedExample;
import dev.promptlab.tensor.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Resume with the real samplers: {@link ExampleSampler} (tune) and {@link CorpusWindows}
 * (pretrain) restore their position from {@code state()}, and a run stopped at a checkpoint
 * mid-epoch and continued in a fresh trainer (fresh model, adapter initialised differently, fresh
 * sampler) ends with exactly the parameters of the uninterrupted run.
 */
class SamplerResumeTest {
    private static final TrainConfig TUNE = new TrainConfig(13, 3, 0.05, 2, 0.01, 1.0, 5, 1, 0);
    private static final TrainConfig PRETRAIN = new TrainConfig(12, 2, 0.01, 2, 0.01, 1.0, 5, 1, 0);
    @TempDir
    Path dir;

    @Test
    void exampleSamplerStateGivesTheSameBatchesInAnotherSampler() {
        List<EncodedExample> examples = TinyTraining.examples(10, 1);
        ExampleSampler a = new ExampleSampler(examples, 3, 0, 7);
        for (int i = 0; i < 5; i++) {
            a.nextRows(); // 15 rows: into the second epoch, cursor 5
        }
        long[] state = a.state();
        assertEquals(5, state[1], "mid-epoch: the cursor is part of the state");
        List<List<EncodedExample>> expected = new ArrayList<>();
        for (int i = 0; i < 6; i++) { // crosses the next epoch boundary
            expected.add(a.nextRows());
        }
        ExampleSampler b = new ExampleSampler(examples, 3, 0, 12345); // another seed: the state must decide
        b.restore(state);
        for (int i = 0; i < 6; i++) {
            assertEquals(expected.get(i), b.nextRows(), "batch " + i + " after restore");
        }
    }

    @Test
    void corpusWindowsStateGivesTheSameWindowsInAnotherSampler() {
        int[] stream = TinyTraining.stream(200, 2);
        CorpusWindows a = new CorpusWindows(stream, 2, 8, 7);
        try (NDManager m = NDManager.newBaseManager()) {
            for (int i = 0; i < 4; i++) {
                a.next(m);
            }
            long[] state = a.state();
            CorpusWindows b = new CorpusWindows(stream, 2, 8, 999);
            b.restore(state);
            for (int i = 0; i < 5; i++) {
                Batch x = a.next(m);
                Batch y = b.next(m);
                assertArrayEquals(x.ids().toLongArray(), y.ids().toLongArray(), "window batch " + i);
                assertArrayEquals(x.targets().toLongArray(), y.targets().toLongArray());
            }
        }
    }

    @Test
    void tuningResumedMidEpochEndsWhereTheUninterruptedRunEnds() throws IOException {
        List<EncodedExample> examples = TinyTraining.examples(10, 3);
        Map<String, float[]> straight;
        try (NDManager m = NDManager.newBaseManager(); LanguageModel model = TinyTraining.gpt(m, 1);
                Adapter prompt = prompt(model, 3)) {
            tuneTrainer(model, prompt, examples, TUNE).run();
            straight = TinyTraining.values(prompt.parameters());
        }
        Path checkpoint = dir.resolve("tune-checkpoint");
        try (NDManager m = NDManager.newBaseManager(); LanguageModel model = TinyTraining.gpt(m, 1);
                Adapter prompt = prompt(model, 3)) {
            Trainer first = tuneTrainer(model, prompt, examples, TUNE);
            killedAfterCheckpoint(first, checkpoint, 5);
            assertNotEquals(0, first.data().state()[1], "the checkpoint is mid-epoch");
        }
        try (NDManager m = NDManager.newBaseManager(); LanguageModel model = TinyTraining.gpt(m, 1);
                Adapter prompt = prompt(model, 77); NDManager scope = m.newSubManager()) {
            Trainer second = tuneTrainer(model, prompt, examples, TUNE);
            second.restore(Checkpoint.load(checkpoint, scope));
            second.run();
            assertSame(straight, TinyTraining.values(prompt.parameters()));
        }
    }

    @Test
    void pretrainingResumedEndsWhereTheUninterruptedRunEnds() throws IOException {
        int[] stream = TinyTraining.stream(300, 4);
        Map<String, float[]> straight;
        try (NDManager m = NDManager.newBaseManager(); LanguageModel model = TinyTraining.gpt(m, 1)) {
            pretrainTrainer(model, stream, PRETRAIN).run();
            straight = TinyTraining.values(model.parameters());
        }
        Path checkpoint = dir.resolve("pretrain-checkpoint");
        try (NDManager m = NDManager.newBaseManager(); LanguageModel model = TinyTraining.gpt(m, 1)) {
            killedAfterCheckpoint(pretrainTrainer(model, stream, PRETRAIN), checkpoint, 5);
        }
        try (NDManager m = NDManager.newBaseManager(); LanguageModel model = TinyTraining.gpt(m, 2);
                NDManager scope = m.newSubManager()) { // another initialisation: the checkpoint must bring the weights
            Trainer second = pretrainTrainer(model, stream, PRETRAIN);
            second.restore(Checkpoint.load(checkpoint, scope));
            second.run();
            assertSame(straight, TinyTraining.values(model.parameters()));
        }
    }

    /** The uninterrupted run's values, bit for bit (a resumed run repeats the same operations). */
    private static void assertSame(Map<String, float[]> expected, Map<String, float[]> actual) {
        assertEquals(expected.keySet(), actual.keySet());
        expected.forEach((k, v) -> assertTrue(Arrays.equals(v, actual.get(k)), k + " differs from the uninterrupted run"));
    }

    private static Adapter prompt(LanguageModel model, long seed) {
        return new SoftPromptConfig(3, SoftPromptConfig.Init.RANDOM, null).create(model, null, new Rng(seed));
    }

    private static Trainer tuneTrainer(LanguageModel model, Adapter prompt, List<EncodedExample> examples, TrainConfig c) {
        return new Trainer(c, prompt.parameters(), new AdapterObjective(model, prompt),
                new ExampleSampler(examples, c.batchSize(), 0, 11), model.manager());
    }

    private static Trainer pretrainTrainer(LanguageModel model, int[] stream, TrainConfig c) {
        return new Trainer(c, model.parameters(), new AdapterObjective(model, null)::loss,
                new CorpusWindows(stream, c.batchSize(), 8, 11), model.manager());
    }

    /** Runs {@code t} with a checkpoint at step {@code at} and stops it there, as a kill right after would. */
    private static void killedAfterCheckpoint(Trainer t, Path checkpoint, int at) {
        t.addListener(new Checkpointer(checkpoint, at));
        t.addListener(new TrainListener() {
            @Override
            public void onStep(StepInfo info, Trainer trainer) {
                if (info.step() == at) {
                    throw new Killed();
                }
            }
        });
        assertThrows(Killed.class, t::run);
        assertEquals(at, t.step());
    }

    /** Stands for SIGKILL: the run stops with no end-of-run work. */
    static final class Killed extends RuntimeException {}
}
