package dev.promptlab.cli;

/**
 * The tensor engine's CPU threads, set before the engine starts (it reads them once). One
 * intra-op thread is the robust choice for the small tensors of the coin study: with two, every
 * small op pays for thread synchronisation, and on a busy machine the two threads wait for each
 * other (we measured 5–10× slower steps with a second process running).
 */
final class EngineThreads {
    private EngineThreads() {}

    static void set(int threads) {
        if (threads < 1 || threads > 256) {
            throw new IllegalArgumentException("--threads must be in [1, 256], got " + threads);
        }
        String n = Integer.toString(threads);
        System.setProperty("ai.djl.pytorch.num_threads", n);
        System.setProperty("ai.djl.pytorch.num_interop_threads", n);
    }
}
