package dev.promptlab.cli;

import dev.promptlab.adapt.AdapterException;
import dev.promptlab.model.ModelLoadException;
import dev.promptlab.study.RunLockedException;
import dev.promptlab.task.DataFormatException;

import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * Which failures are the user's input (exit 2) rather than the program's (exit 1), and how each
 * reads: one line that names the file or value.
 */
final class UserError {
    private UserError() {}

    static boolean isUserError(Throwable t) {
        return t instanceof IllegalArgumentException || t instanceof DataFormatException
                || t instanceof AdapterException || t instanceof ModelLoadException || t instanceof RunLockedException
                || t instanceof NoSuchFileException || t instanceof AccessDeniedException
                || t instanceof NotDirectoryException || t instanceof FileAlreadyExistsException
                || t instanceof UnsupportedOperationException || isStorageRefusal(t);
    }

    /**
     * A write the storage refused: a full disk, an exhausted quota or a read-only file system. The
     * user can fix it (free space, choose another --out) and resume; the writes are atomic, so
     * nothing half-written is left behind.
     */
    static boolean isStorageRefusal(Throwable t) {
        String reason = t instanceof FileSystemException f ? f.getReason() : t.getMessage();
        return t instanceof java.io.IOException && reason != null && (reason.contains("No space left on device")
                || reason.contains("Disk quota exceeded") || reason.contains("Read-only file system"));
    }

    /** The failure a wrapper (picocli's, an unchecked I/O exception) stands for. */
    static Throwable unwrap(Throwable t) {
        Throwable cause = t;
        while (cause instanceof UncheckedIOException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    /**
     * The one line shown for a failure. A file system exception's own message is often just the
     * path; say what went wrong with it.
     */
    static String message(Throwable t) {
        if (t instanceof UncheckedIOException u && u.getCause() != null) {
            // a wrapper with a message of its own ("cannot write checkpoint X: ...") says more than its cause
            boolean own = u.getMessage() != null && !u.getMessage().equals(u.getCause().toString());
            if (!own) {
                return message(u.getCause());
            }
            return oneLine(u.getMessage()) + (isStorageRefusal(u.getCause()) ? STORAGE_HINT : "");
        }
        return plainMessage(t) + (isStorageRefusal(t) ? STORAGE_HINT : "");
    }

    private static final String STORAGE_HINT = " (nothing partial was kept: free space or choose another --out,"
            + " then run again; a run that had checkpointed continues with --resume)";

    private static String plainMessage(Throwable t) {
        if (t instanceof AccessDeniedException e) {
            return e.getFile() + ": permission denied (the directory or file is read-only)";
        }
        if (t instanceof NoSuchFileException e) {
            return e.getFile() + ": no such file or directory";
        }
        if (t instanceof NotDirectoryException e) {
            return e.getFile() + ": not a directory";
        }
        if (t instanceof FileAlreadyExistsException e) {
            return e.getFile() + ": already exists";
        }
        if (t instanceof FileSystemException e && e.getReason() != null) {
            return (e.getFile() == null ? "" : e.getFile() + ": ") + e.getReason();
        }
        return oneLine(t.getMessage() == null ? t.toString() : t.getMessage());
    }

    /** Multi-line messages (Jackson's, picocli's) folded into one line. */
    static String oneLine(String message) {
        return message == null ? "" : message.replaceAll("\\s*\\R\\s*", " ").trim();
    }
}
