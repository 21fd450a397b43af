package dev.promptlab.study.builtin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptlab.study.RunFiles;
import dev.promptlab.study.RunLock;
import dev.promptlab.study.RunLockedException;
import dev.promptlab.train.StepInfo;
import dev.promptlab.train.Trainer;
import dev.promptlab.train.TrainListener;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code pretrain --builtin}'s run directory: a run stopped midway resumes from its checkpoint to
 * the files of an uninterrupted run (model.safetensors byte for byte; the card apart from its
 * timings), a second run on the same directory is refused while the first goes on undamaged, and
 * resuming with another recipe or starting over a run is refused. A small recipe (one layer,
 * context 32) keeps each run to seconds.
 */
class BuiltinPretrainResumeTest {
    static final ModelRecipe RECIPE = new ModelRecipe("test", 1, 2, 32, 32, 512, 30, 4, 3e-3, 3, 1, 200, 2, 4);
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path dir;
    static Path reference;

    @BeforeAll
    static void uninterrupted() throws IOException {
        reference = dir.resolve("reference");
        BuiltinPretraining.run(RECIPE, reference, options(false));
        assertFalse(Files.exists(reference.resolve("checkpoint")), "the checkpoint goes once the model is written");
    }

    static BuiltinPretraining.Options options(boolean resume, TrainListener... listeners) {
        return new BuiltinPretraining.Options(resume, 10, false, false, List.of(listeners));
    }

    /** Stops the run (as a failure would) when it reaches {@code step}. */
    static TrainListener stopAt(int step) {
        return (info, trainer) -> {
            if (info.step() == step) {
                throw new IllegalStateException("stopped at step " + step);
            }
        };
    }

    /** Stops the run once training ended, after the run's own listeners wrote the last checkpoint. */
    static TrainListener stopAtEnd() {
        return new TrainListener() {
            @Override
            public void onStep(StepInfo info, Trainer trainer) {}

            @Override
            public void onEnd(Trainer trainer) {
                throw new IllegalStateException("stopped after training");
            }
        };
    }

    @Test
    void aStoppedRunResumesToTheUninterruptedRunsModel() throws IOException {
        Path out = dir.resolve("stopped");
        IllegalStateException stop = assertThrows(IllegalStateException.class,
                () -> BuiltinPretraining.run(RECIPE, out, options(false, stopAt(15))));
        assertEquals("stopped at step 15", stop.getMessage());
        assertEquals(10, JSON.readTree(out.resolve("checkpoint/state.json").toFile()).get("step").asInt(),
                "the last checkpoint before the stop stays");
        assertFalse(Files.exists(out.resolve(BuiltinPretraining.CARD)), "no card: the run is not complete");

        ObjectNode card = BuiltinPretraining.run(RECIPE, out, options(true));
        assertEquals(10, card.get("resumed_from_step").asInt());
        assertSameRun(reference, out);

        Map<String, byte[]> complete = contents(out);
        BuiltinPretraining.run(RECIPE, out, options(true)); // a complete run resumed again is left as it is
        Map<String, byte[]> again = contents(out);
        assertEquals(complete.keySet(), again.keySet());
        complete.forEach((name, bytes) -> assertArrayEquals(bytes, again.get(name), name));
    }

    @Test
    void aRunStoppedAfterTrainingResumesWithoutTrainingAgain() throws IOException {
        Path out = dir.resolve("after-training");
        assertThrows(IllegalStateException.class, () -> BuiltinPretraining.run(RECIPE, out, options(false, stopAtEnd())));
        assertEquals(RECIPE.steps(), JSON.readTree(out.resolve("checkpoint/state.json").toFile()).get("step").asInt());
        ObjectNode card = BuiltinPretraining.run(RECIPE, out, options(true));
        assertEquals(RECIPE.steps(), card.get("resumed_from_step").asInt());
        // no step was trained in the resumed session: the time of the training is the earlier session's
        assertTrue(card.get("train_seconds").asDouble() > 0 && card.get("seconds_per_step").asDouble() > 0, card.toString());
        assertSameRun(reference, out);
    }

    @Test
    void aSecondRunOnTheSameDirectoryIsRefusedAndTheFirstFinishesUndamaged() throws IOException {
        Path out = dir.resolve("locked");
        List<String> refusals = new java.util.ArrayList<>();
        // the second run starts while the first trains (on the training thread: libtorch trains on one thread)
        TrainListener second = (info, trainer) -> {
            if (info.step() == 5) {
                for (boolean resume : new boolean[] {false, true}) {
                    RuntimeException e = assertThrows(RuntimeException.class,
                            () -> BuiltinPretraining.run(RECIPE, out, options(resume)));
                    assertInstanceOf(RunLockedException.class, e, e.toString());
                    refusals.add(e.getMessage());
                }
            }
        };
        BuiltinPretraining.run(RECIPE, out, options(false, second));
        assertEquals(2, refusals.size());
        refusals.forEach(m -> assertTrue(m.startsWith(out + " is in use by another promptlab run"), m));
        assertSameRun(reference, out);
        assertTrue(RunLock.holderOf(out).isEmpty(), "the lock goes with its run");
    }

    @Test
    void anotherRecipeOrAFreshStartOverARunIsRefusedAndChangesNothing() throws IOException {
        Map<String, byte[]> before = contents(reference);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BuiltinPretraining.run(RECIPE.withSteps(40), reference, options(true)));
        assertTrue(e.getMessage().contains("--resume: the recipe's steps was 30 in " + reference.resolve("recipe.json")
                + " but is 40 now"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> BuiltinPretraining.run(RECIPE, reference, options(false)));
        assertTrue(e.getMessage().contains("output directory " + reference + " already exists and is not empty")
                && e.getMessage().contains("--resume"), e.getMessage());
        Path plain = Files.createDirectories(dir.resolve("not-a-run"));
        Files.writeString(plain.resolve("notes.txt"), "mine");
        e = assertThrows(IllegalArgumentException.class, () -> BuiltinPretraining.run(RECIPE, plain, options(true)));
        assertTrue(e.getMessage().contains("nothing to resume (no recipe.json: not a pretrain --builtin run directory)"),
                e.getMessage());
        Map<String, byte[]> after = contents(reference);
        assertEquals(before.keySet(), after.keySet());
        before.forEach((name, bytes) -> assertArrayEquals(bytes, after.get(name), name));
        assertEquals(List.of("notes.txt"), List.copyOf(contents(plain).keySet()));
    }

    // ------------------------------------------------------------------ the built-in model cache

    @Test
    void aFirstUseStoppedMidwayContinuesOnTheNextUse() throws IOException {
        Path cache = dir.resolve("cache").resolve("test-0");
        assertThrows(IllegalStateException.class, () -> ModelCache.resolve(cache, "builtin:test",
                work -> BuiltinPretraining.trainInto(RECIPE, work, options(true, stopAt(15))), s -> {}));
        assertFalse(Files.exists(cache), "nothing that looks complete");
        Path partial = cache.resolveSibling("test-0.partial");
        assertTrue(Files.exists(partial.resolve("model/checkpoint/state.json")), "the checkpoint stays for the next use");

        ObjectNode[] card = new ObjectNode[1];
        assertEquals(cache, ModelCache.resolve(cache, "builtin:test",
                work -> card[0] = BuiltinPretraining.trainInto(RECIPE, work, options(true)), s -> {}));
        assertEquals(10, card[0].get("resumed_from_step").asInt());
        assertSameRun(reference, cache);
        assertFalse(Files.exists(partial), "the work directory goes once the model is in place");
    }

    @Test
    void twoProcessesNeedingTheSameModelMakeItOnceAndTheSecondWaits() throws Exception {
        Path cache = dir.resolve("cache").resolve("fake-0");
        AtomicInteger made = new AtomicInteger();
        CountDownLatch making = new CountDownLatch(1);
        ModelCache.Maker slow = work -> {
            made.incrementAndGet();
            making.countDown();
            sleep(3000);
            Files.createDirectories(work);
            Files.writeString(work.resolve(BuiltinPretraining.CARD), "{}\n");
        };
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread first = new Thread(() -> {
            try {
                ModelCache.resolve(cache, "builtin:fake", slow, s -> {});
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        first.start();
        assertTrue(making.await(60, TimeUnit.SECONDS));
        List<String> log = new java.util.concurrent.CopyOnWriteArrayList<>();
        assertEquals(cache, ModelCache.resolve(cache, "builtin:fake", slow, log::add));
        first.join();
        assertNull(failure.get(), () -> "the first resolution failed: " + failure.get());
        assertEquals(1, made.get(), "made once");
        assertEquals(1, log.size(), log.toString());
        assertTrue(log.get(0).contains("is making builtin:fake in " + cache.resolveSibling("fake-0.partial")
                + "; waiting for it to finish"), log.get(0));
        assertEquals(List.of(BuiltinPretraining.CARD), List.copyOf(contents(cache).keySet()));
    }

    // ------------------------------------------------------------------ comparisons

    /**
     * The files of a run equal the uninterrupted run's: every byte of the model, tokenizer and
     * recipe, metrics.jsonl apart from its seconds-per-step timings, and the card apart from
     * {@link BuiltinPretraining#CARD_TIMINGS}; no checkpoint left, and nothing else.
     */
    static void assertSameRun(Path expected, Path actual) throws IOException {
        RunFiles.assertSame(expected, actual, (name, content) -> switch (name) {
            case BuiltinPretraining.CARD -> RunFiles.jsonWithout(content, BuiltinPretraining.CARD_TIMINGS);
            case "metrics.jsonl" -> RunFiles.jsonlWithout(content, List.of("seconds_per_step"));
            default -> null;
        });
        assertTrue(Files.isRegularFile(actual.resolve("model.safetensors")), "the model is there");
    }

    static Map<String, byte[]> contents(Path root) throws IOException {
        return RunFiles.contents(root);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

}
