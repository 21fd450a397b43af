package dev.promptlab.tensor;

/** Process-wide settings every entry point needs before DJL starts. */
public final class Engines {
    private Engines() {}

    /** DJL must never try the network: no downloads of natives, no usage tracking. */
    public static void configureOffline() {
        System.setProperty("ai.djl.offline", "true");
        if (System.getProperty("ai.djl.default_engine") == null) {
            System.setProperty("ai.djl.default_engine", "PyTorch");
        }
    }
}
