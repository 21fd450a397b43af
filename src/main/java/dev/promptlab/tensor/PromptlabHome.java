package dev.promptlab.tensor;

import java.nio.file.Path;

/** Where promptlab keeps what it builds once and reuses: {@code $PROMPTLAB_HOME}, else {@code ~/.cache/promptlab}. */
public final class PromptlabHome {
    private PromptlabHome() {}

    public static Path dir() {
        String env = System.getenv("PROMPTLAB_HOME");
        return env != null && !env.isBlank() ? Path.of(env) : Path.of(System.getProperty("user.home"), ".cache", "promptlab");
    }
}
