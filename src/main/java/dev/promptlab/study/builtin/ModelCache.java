package dev.promptlab.study.builtin;

import dev.promptlab.study.RunLock;
import dev.promptlab.study.RunLockedException;
import dev.promptlab.tensor.AtomicFiles;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.function.Consumer;

/**
 * Makes a built-in model's cache directory on first use, safely when several processes ask at
 * once. The model is made in {@code NAME-HASH.partial/model}, under the lock of
 * {@code NAME-HASH.partial} ({@link RunLock}), and renamed to {@code NAME-HASH} when complete, so
 * the cache directory either is absent or holds a complete model.
 *
 * <p>One process makes it; any other that needs the same model meanwhile waits for the lock
 * (saying once which process it waits for) and then finds the model made. Waiting, not refusing,
 * because the second process wants the same deterministic model and has nothing better to do. A
 * pretraining killed midway leaves its checkpoint in {@code .partial/model}; the next process
 * that needs the model continues from it (its lock died with the killed process).
 */
final class ModelCache {
    /** Steps between the checkpoints of a first-use pretraining (the {@code pretrain} default). */
    static final int CHECKPOINT_EVERY = 100;
    /** How often a waiting process tries the lock again. */
    private static final long WAIT_MILLIS = 2000;

    /** How the model is made in an empty or half-made directory (pretrained, resuming, or unpacked). */
    @FunctionalInterface
    interface Maker {
        void make(Path dir) throws IOException;
    }

    private ModelCache() {}

    /**
     * The complete model in {@code dir}, made by {@code maker} unless it is there already or
     * another process makes it first.
     *
     * @param what the model, for messages ("builtin:base")
     * @param log hears that this process waits for another
     */
    static Path resolve(Path dir, String what, Maker maker, Consumer<String> log) throws IOException {
        if (isComplete(dir)) {
            return dir;
        }
        Files.createDirectories(dir.getParent());
        Path partial = dir.resolveSibling(dir.getFileName() + ".partial");
        try (RunLock lock = acquireWaiting(partial, what, log)) {
            if (isComplete(dir)) {
                return dir; // made by the process this one waited for
            }
            Path work = partial.resolve("model");
            maker.make(work);
            move(work, dir);
        }
        deleteIfOnlyLock(partial);
        return dir;
    }

    /** A model directory is complete once its card is written (the card is written last). */
    static boolean isComplete(Path dir) {
        return Files.isRegularFile(dir.resolve(BuiltinPretraining.CARD));
    }

    private static RunLock acquireWaiting(Path partial, String what, Consumer<String> log) throws IOException {
        boolean told = false;
        while (true) {
            try {
                return RunLock.acquire(partial);
            } catch (RunLockedException e) {
                if (!told) {
                    String holder = RunLock.holderOf(partial).filter(h -> !h.isEmpty()).map(h -> " (process " + h + ")")
                            .orElse("");
                    log.accept("promptlab: another process" + holder + " is making " + what + " in " + partial
                            + "; waiting for it to finish");
                    told = true;
                }
            }
            try {
                Thread.sleep(WAIT_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for " + partial);
            }
        }
    }

    private static void move(Path work, Path dir) throws IOException {
        try {
            Files.move(work, dir, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
            AtomicFiles.deleteTree(work); // made meanwhile by a process that took no lock (an older promptlab)
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(work, dir);
        }
    }

    /**
     * Removes {@code .partial} once the model is in place. Safe without the lock: whoever locks
     * the old or a new lock file next finds the model complete and makes nothing.
     */
    private static void deleteIfOnlyLock(Path partial) {
        try {
            Files.deleteIfExists(partial.resolve(RunLock.FILE));
            Files.deleteIfExists(partial);
        } catch (IOException e) {
            // another process is looking at it right now; it cleans up after itself
        }
    }
}
