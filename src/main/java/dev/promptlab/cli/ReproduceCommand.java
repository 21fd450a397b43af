package dev.promptlab.cli;

import dev.promptlab.study.BayesStudyConfig;
import dev.promptlab.tensor.AtomicFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * Runs the papers' studies on the built-in models and writes their reports. Today: the Bayesian
 * prompting study in quick mode (both networks, pretrained and untrained); the waywardness and
 * ICL/IPT studies come next.
 */
@Command(name = "reproduce", mixinStandardHelpOptions = true,
        description = "Reproduce the papers' studies on built-in models and write their reports"
                + " (now: the Bayesian prompting study, quick settings).")
final class ReproduceCommand implements Callable<Integer> {
    @Option(names = "--out", defaultValue = "runs/reproduce",
            description = "directory of the studies' runs, replaced on each call (default ${DEFAULT-VALUE})")
    Path out;
    @Option(names = "--threads", defaultValue = "1", description = "CPU threads of the tensor engine (default ${DEFAULT-VALUE})")
    int threads;

    @Override
    public Integer call() throws Exception {
        EngineThreads.set(threads);
        Path bayes = out.resolve("bayes");
        BayesStudyConfig config = BayesStudyConfig.quick();
        // the run is written beside the old one and replaces it whole, so a failed run leaves the last report intact
        AtomicFiles.writeDirectory(bayes, staging -> BayesCommand.run(config, threads, staging));
        System.out.println("Bayesian prompting study: report at " + bayes.resolve("report.html").toAbsolutePath());
        return 0;
    }
}
