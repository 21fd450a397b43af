package dev.promptlab.study;

import dev.promptlab.tensor.Engines;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * A Bayesian study of {@link BayesRunTest}'s tiny settings (seconds), as a child process the crash test
 * kills at a random point: {@code SmallBayesRun OUT [--resume]}.
 */
public final class SmallBayesRun {
    private SmallBayesRun() {}

    public static void main(String[] args) throws IOException {
        Engines.configureOffline();
        System.setProperty("ai.djl.pytorch.num_threads", "1");
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        run(Path.of(args[0]), args.length > 1 && args[1].equals("--resume"));
        System.exit(0);
    }

    /** The run, in this JVM. */
    public static void run(Path out, boolean resume) throws IOException {
        BayesRun.run(BayesRunTest.CONFIG, out, resume, Map.of("threads", 1), line -> {});
    }

    /** The study's files equal the uninterrupted run's, its documented timings apart. */
    public static void assertSameRun(Path expected, Path actual) throws IOException {
        BayesRunTest.assertSameRun(expected, actual);
    }
}
