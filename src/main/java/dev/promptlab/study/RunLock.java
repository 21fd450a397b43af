package dev.promptlab.study;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * An exclusive lock on a run directory, held for the run's life: {@code RUN/.lock}, an empty
 * file locked with the operating system's advisory file lock, so a second process given the same
 * directory refuses at once instead of mixing its files with the first's. The lock dies with its
 * process, so a run killed with SIGKILL leaves an unlocked {@code .lock}, which the next run
 * simply locks again.
 *
 * <p>The file stays when the run ends, and nothing is ever written into it: deleting a lock file
 * races with a process that has just opened it (it would lock a file no longer in the directory,
 * and a third process could lock a new one). Only a directory the lock itself created, which the
 * run left empty, goes with its lock file, so a run that fails before writing anything leaves the
 * disk as it found it. The holder's process id, for the refusal message, comes from the system's
 * lock table ({@code /proc/locks} on Linux; elsewhere the message names no process).
 *
 * <p>On POSIX systems closing any channel of a file drops every lock the process holds on it, so
 * this JVM never opens a lock file it holds: the directories it holds are kept in a set, and a
 * second run in the same JVM (a library user's) is refused from there.
 */
public final class RunLock implements AutoCloseable {
    /** The lock file's name in the run directory. */
    public static final String FILE = ".lock";
    private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

    private final Path dir;
    private final Path key;
    private final FileChannel channel;
    private final FileLock lock;
    private final Path createdTop; // the highest directory acquire created, or null

    private RunLock(Path dir, Path key, FileChannel channel, FileLock lock, Path createdTop) {
        this.dir = dir;
        this.key = key;
        this.channel = channel;
        this.lock = lock;
        this.createdTop = createdTop;
    }

    /**
     * Locks {@code dir}, creating it (and its parents) if absent.
     *
     * @throws RunLockedException when another process (or this one) holds it
     */
    public static RunLock acquire(Path dir) throws IOException {
        Path key = dir.toAbsolutePath().normalize();
        if (!HELD.add(key)) {
            throw new RunLockedException(dir, Long.toString(ProcessHandle.current().pid()));
        }
        try {
            return lock(dir, key);
        } catch (IOException | RuntimeException e) {
            HELD.remove(key);
            throw e;
        }
    }

    private static RunLock lock(Path dir, Path key) throws IOException {
        Path created = highestMissing(dir.toAbsolutePath());
        Files.createDirectories(dir);
        FileChannel channel = FileChannel.open(dir.resolve(FILE), StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            channel.close();
            throw new RunLockedException(dir, holder(dir.resolve(FILE)));
        }
        return new RunLock(dir, key, channel, lock, created);
    }

    /**
     * The process that holds {@code dir}'s lock now (this JVM's or another's), or empty when none
     * does; a stale lock file does not count.
     */
    public static Optional<String> holderOf(Path dir) {
        if (HELD.contains(dir.toAbsolutePath().normalize())) {
            return Optional.of(Long.toString(ProcessHandle.current().pid()));
        }
        Path file = dir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                return Optional.of(holder(file));
            }
            lock.release();
            return Optional.empty();
        } catch (OverlappingFileLockException e) {
            return Optional.of("");
        } catch (IOException e) {
            return Optional.empty(); // unreadable: the run's own checks will say what is wrong
        }
    }

    /** Whether {@code p} is a lock file (held or stale): not a run's content. */
    public static boolean isLockFile(Path p) {
        return p.getFileName() != null && p.getFileName().toString().equals(FILE);
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
            channel.close();
        } finally {
            HELD.remove(key);
        }
        if (createdTop != null && onlyLockFile(dir)) { // a run that wrote nothing leaves nothing
            Files.deleteIfExists(dir.resolve(FILE));
            for (Path p = dir.toAbsolutePath(); p != null && p.startsWith(createdTop); p = p.getParent()) {
                try {
                    Files.deleteIfExists(p);
                } catch (DirectoryNotEmptyException e) {
                    break;
                }
            }
        }
    }

    private static boolean onlyLockFile(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.allMatch(RunLock::isLockFile);
        }
    }

    /** The highest ancestor of {@code dir} (or itself) that does not exist, or null when it exists. */
    private static Path highestMissing(Path dir) {
        Path top = null;
        for (Path p = dir; p != null && !Files.exists(p); p = p.getParent()) {
            top = p;
        }
        return top;
    }

    /**
     * The process that holds a POSIX lock on {@code file}, from Linux's {@code /proc/locks}
     * ("1: POSIX ADVISORY WRITE PID MAJ:MIN:INODE 0 EOF"), or "" where there is no such table.
     * Reading it leaves the lock file alone.
     */
    private static String holder(Path file) {
        try {
            String inode = ":" + Files.getAttribute(file, "unix:ino");
            for (String line : Files.readAllLines(Path.of("/proc/locks"), StandardCharsets.UTF_8)) {
                String[] f = line.trim().split("\\s+");
                for (int i = 1; i < f.length; i++) {
                    if (f[i].endsWith(inode) && f[i].chars().filter(c -> c == ':').count() == 2 && !line.contains("->")) {
                        return f[i - 1];
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // no lock table here (or no "unix" attributes): the message names no process
        }
        return "";
    }
}
