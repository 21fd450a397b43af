package dev.promptlab.study;

import java.nio.file.Path;

/** Another process holds a run directory's lock; the message names the directory and the process. */
public class RunLockedException extends RuntimeException {
    public RunLockedException(Path dir, String holder) {
        super(dir + " is in use by another promptlab run" + (holder.isEmpty() ? "" : " (process " + holder + ")")
                + "; wait for it to finish, or choose another --out");
    }
}
