package dev.promptlab.analysis;

import java.util.Locale;

/** What a waywardness target text is to the task the prompt solves. */
public enum TargetKind {
    /** The instruction of a task of the other kind: it asks for something the task never wants. */
    CONTRADICTORY,
    /** The task's own instruction or a paraphrase of it. */
    TRUE,
    /** Text that says nothing about the task (WordNet definitions of unrelated things). */
    UNRELATED,
    /** A user's text from a targets file: promptlab does not know what it is to the task. */
    FILE;

    /** The built-in set's reference, {@code builtin:contradictory} etc.; FILE has none. */
    public String ref() {
        if (this == FILE) {
            throw new IllegalStateException("file targets have no built-in reference");
        }
        return WaywardTargets.BUILTIN_PREFIX + name().toLowerCase(Locale.ROOT);
    }
}
