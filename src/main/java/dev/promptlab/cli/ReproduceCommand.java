package dev.promptlab.cli;

import dev.promptlab.study.Reproduce;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * Runs the papers' studies on the built-in models and writes their reports and an index
 * ({@link Reproduce#run}). Today: the Bayesian prompting study, then the waywardness study, both
 * in quick settings.
 */
@Command(name = "reproduce", mixinStandardHelpOptions = true,
        description = "Reproduce the papers' studies on built-in models (quick settings: the Bayesian prompting study,"
                + " then prompt waywardness) and write their reports and OUT/index.html, which links them and sets the"
                + " papers' claims next to our figures.")
final class ReproduceCommand implements Callable<Integer> {
    @Option(names = "--out", defaultValue = "runs/reproduce",
            description = "directory of the studies' runs, replaced on each call (default ${DEFAULT-VALUE})")
    Path out;
    @Option(names = "--threads", defaultValue = "1", description = "CPU threads of the tensor engine (default ${DEFAULT-VALUE})")
    int threads;

    @Override
    public Integer call() throws Exception {
        EngineThreads.set(threads);
        long start = System.nanoTime();
        List<Reproduce.Entry> entries = Reproduce.run(out, threads, line -> System.err.printf("[%4.0f s] %s%n",
                (System.nanoTime() - start) / 1e9, line));
        for (Reproduce.Entry e : entries) {
            System.out.printf("%s: %d of %d claims agree; report at %s%n", e.paper(), e.agreeing(), e.findings().size(),
                    out.resolve(e.report()).toAbsolutePath());
        }
        System.out.println("index: " + out.resolve("index.html").toAbsolutePath());
        return 0;
    }
}
