package dev.promptlab.cli;

import dev.promptlab.study.Reproduce;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * Runs the papers' studies on the built-in models and writes their reports and an index
 * ({@link Reproduce#run}): the Bayesian prompting study, the waywardness study and the ICL study,
 * in quick settings; {@code --resume} continues a stopped call study by study.
 */
@Command(name = "reproduce", mixinStandardHelpOptions = true,
        description = {"Reproduce the papers' studies on built-in models (quick settings: the Bayesian prompting study,"
                + " prompt waywardness, then ICL vs prompt tuning) and write their reports and OUT/index.html, which links"
                + " them and sets the papers' claims next to our figures.",
                "--resume continues a stopped run: finished studies are kept, the interrupted one resumes cell by cell."})
final class ReproduceCommand implements Callable<Integer> {
    @Option(names = "--out", defaultValue = "runs/reproduce",
            description = "run directory, must not exist or be empty unless --resume (default ${DEFAULT-VALUE})")
    Path out;
    @Option(names = "--resume", description = "continue the run in --out, skipping its finished studies")
    boolean resume;
    @Option(names = "--threads", defaultValue = "1", description = "CPU threads of the tensor engine (default ${DEFAULT-VALUE})")
    int threads;

    @Override
    public Integer call() throws Exception {
        Reproduce.check(out, resume);
        EngineThreads.set(threads);
        long start = System.nanoTime();
        List<Reproduce.Entry> entries = Reproduce.run(out, resume, threads, line -> System.err.printf("[%4.0f s] %s%n",
                (System.nanoTime() - start) / 1e9, line));
        for (Reproduce.Entry e : entries) {
            System.out.printf("%s: %d of %d claims agree; report at %s%n", e.paper(), e.agreeing(), e.findings().size(),
                    out.resolve(e.report()).toAbsolutePath());
        }
        System.out.println("index: " + out.resolve("index.html").toAbsolutePath());
        return 0;
    }
}
