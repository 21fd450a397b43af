package dev.promptlab.study;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive lock on a run directory, held for the run's life: {@code RUN/.lock}, locked with
 * the operating system's advisory file lock, so a second process given the same directory
 * refuses at once instead of mixing its files with the first's. The lock dies with its process,
 * so a run killed with SIGKILL leaves at most a stale {@code .lock} file, which the next run
 * simply locks again. The file holds the owner's process id, for the refusal message.
 *
 * <p>Closing deletes the file (while still holding the lock) and, if {@link #acquire} created
 * the directory and it is empty again, the directory: a run that fails before writing anything
 * leaves the disk as it found it. A process that opened the file just before it was deleted
 * would lock a file no longer in the directory; {@link #acquire} writes a nonce into the file it
 * locked and reads it back through the path, and tries again when the path names another file.
 */
public final class RunLock implements AutoCloseable {
    /** The lock file's name in the run directory. */
    public static final String FILE = ".lock";

    private final Path dir;
    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;
    private final Path createdTop; // the highest directory acquire created, or null

    private RunLock(Path dir, Path file, FileChannel channel, FileLock lock, Path createdTop) {
        this.dir = dir;
        this.file = file;
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
        Path created = highestMissing(dir.toAbsolutePath());
        Files.createDirectories(dir);
        Path file = dir.resolve(FILE);
        for (int attempt = 0; ; attempt++) {
            FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) { // this JVM holds it already
                lock = null;
            }
            if (lock == null) {
                String holder = holder(channel);
                channel.close();
                throw new RunLockedException(dir, holder);
            }
            // our process id and a nonce: if the path now names another file, its content differs
            String token = ProcessHandle.current().pid() + " " + Long.toHexString(System.nanoTime()) + "\n";
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(token.getBytes(StandardCharsets.UTF_8)), 0);
            channel.force(false);
            if (token.equals(contentAt(file)) || attempt >= 10) {
                return new RunLock(dir, file, channel, lock, created);
            }
            lock.release(); // the holder deleted the file between our open and our lock: lock the new one
            channel.close();
        }
    }

    /** Whether {@code dir} holds a lock file now (a stale one counts: its process may have died). */
    public static boolean isLockFile(Path p) {
        return p.getFileName() != null && p.getFileName().toString().equals(FILE);
    }

    /** Whether this acquisition created the run directory. */
    public boolean createdDirectory() {
        return createdTop != null;
    }

    /** The highest ancestor of {@code dir} (or itself) that does not exist, or null when it exists. */
    private static Path highestMissing(Path dir) {
        Path top = null;
        for (Path p = dir; p != null && !Files.exists(p); p = p.getParent()) {
            top = p;
        }
        return top;
    }

    @Override
    public void close() throws IOException {
        try {
            Files.deleteIfExists(file);
        } finally {
            lock.release();
            channel.close();
        }
        if (createdTop != null) { // the directories acquire made, deepest first, while they are empty
            for (Path p = dir.toAbsolutePath(); p != null && p.startsWith(createdTop); p = p.getParent()) {
                try {
                    Files.deleteIfExists(p);
                } catch (DirectoryNotEmptyException e) {
                    break; // the run's files stay
                }
            }
        }
    }

    private static String holder(FileChannel channel) {
        try {
            ByteBuffer b = ByteBuffer.allocate(32);
            channel.read(b, 0);
            String text = new String(b.array(), 0, b.position(), StandardCharsets.UTF_8).trim();
            int space = text.indexOf(' ');
            return space < 0 ? text : text.substring(0, space);
        } catch (IOException e) {
            return "";
        }
    }

    private static String contentAt(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null; // deleted meanwhile
        }
    }
}
