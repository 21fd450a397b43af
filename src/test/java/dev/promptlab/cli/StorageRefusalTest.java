package dev.promptlab.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A full disk, an exhausted quota or a read-only file system is the user's to fix: exit code 2, one
 * line that names the path and the reason and says what to do, and nothing partial left behind.
 *
 * <p>The classification is tested on the exceptions the JDK throws for each. The real full disk is
 * a 16 KiB tmpfs mounted for the test; that needs root and a kernel that allows the mount, so it
 * runs where it can (as root in a container, the project's machines) and is reported as skipped
 * elsewhere, never as passed.
 */
class StorageRefusalTest {
    @TempDir
    Path dir;

    @Test
    void fullDiskQuotaAndReadOnlyFileSystemAreUserErrorsWithAHint() {
        // what FileChannel.write throws on ENOSPC, wrapped as the checkpoint writer wraps it
        UncheckedIOException full = new UncheckedIOException("cannot write checkpoint /r/checkpoint: No space left on device",
                new IOException("No space left on device"));
        assertTrue(UserError.isUserError(UserError.unwrap(full)));
        String line = UserError.message(full);
        assertTrue(line.startsWith("cannot write checkpoint /r/checkpoint: No space left on device"), line);
        assertTrue(line.contains("free space or choose another --out"), line);
        assertEquals(1, line.lines().count(), line);

        // what Files.createDirectory throws on EROFS and EDQUOT
        FileSystemException readOnly = new FileSystemException("/r/adapter", null, "Read-only file system");
        assertTrue(UserError.isUserError(readOnly));
        assertTrue(UserError.message(readOnly).startsWith("/r/adapter: Read-only file system"), UserError.message(readOnly));
        assertTrue(UserError.isUserError(new FileSystemException("/r/x", null, "Disk quota exceeded")));

        // other I/O failures stay the program's (exit 1)
        assertFalse(UserError.isUserError(new IOException("Input/output error")));
        assertFalse(UserError.isUserError(new IOException((String) null)));
    }

    @Test
    void tuneOntoAFullDiskExitsTwoAndLeavesNothing() throws Exception {
        Path mount = dir.resolve("full");
        Files.createDirectories(mount);
        assumeTrue(mountTmpfs(mount, "16k"), "mounting a tmpfs needs root; the classification test above still runs");
        try {
            Path model = SyntheticText.initTinyModel(dir, 32);
            Path data = dir.resolve("train.jsonl");
            SyntheticText.writeTask(data, 20, false, 3);
            Path run = mount.resolve("run");
            CliRunner.Result r = CliRunner.run("tune", "--model", model.toString(), "--train", data.toString(),
                    "--steps", "5", "--quiet", "--out", run.toString());
            assertEquals(2, r.exitCode(), r.toString());
            assertTrue(r.err().contains("No space left on device"), r.err());
            assertTrue(r.err().contains(mount.toString()), "the message names the path: " + r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
            try (Stream<Path> left = Files.list(mount)) {
                assertEquals(0, left.count(), "a run that never finished its first write leaves nothing");
            }
        } finally {
            new ProcessBuilder("umount", mount.toString()).inheritIO().start().waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** Mounts a tmpfs of {@code size} at {@code at}; false where the mount is not allowed. */
    private static boolean mountTmpfs(Path at, String size) throws InterruptedException {
        try {
            Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", at.toString())
                    .redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false; // no mount program
        }
    }
}
