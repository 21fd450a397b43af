package dev.promptlab.cli;

import dev.promptlab.model.CoinModels;
import dev.promptlab.study.BayesMethod;
import dev.promptlab.study.BayesRun;
import dev.promptlab.study.BayesResult;
import dev.promptlab.study.BayesStudy;
import dev.promptlab.study.BayesStudyConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * The Bayesian prompting study (Genewein et al. 2025) as one command: every prefix and weight
 * tuning method against the exact Bayes predictors, for LSTMs and Transformers, meta-trained or
 * untrained, on a single coin and a two-coin mixture.
 */
@Command(name = "bayes", mixinStandardHelpOptions = true,
        description = {"Prompting as Bayesian conditioning: tune coin networks (LSTM, Transformer; meta-trained on random"
                + " coins or untrained) towards a single coin and a two-coin mixture with every prefix method (HardPT,"
                + " SimplexPT, RealPT, SoftPT) and weight method (FullWT, LoRAWT, EmbedWT, UnembedWT, Un+EmbedWT), and"
                + " compare their cumulative regret with the exact Bayes predictors.",
                "Writes RUN/config.json, RUN/cells.jsonl (each finished method; --resume skips them), RUN/networks/ (the"
                        + " meta-trained networks), then RUN/result.json, RUN/curves.json and RUN/report.html. Without"
                        + " --pretrained or --untrained both variants are studied."})
final class BayesCommand implements Callable<Integer> {
    @Option(names = "--quick", description = "small settings that finish in minutes on two cores (default: the paper's"
            + " full settings: 1000 meta-training and tuning steps at batch 256, 10 repetitions, 2048 evaluation sequences)")
    boolean quick;
    @Option(names = "--networks", split = ",", defaultValue = "lstm,transformer",
            description = "comma-separated networks: lstm, transformer (default ${DEFAULT-VALUE})")
    List<String> networks;
    @Option(names = "--untrained", description = "only untrained (randomly initialised) networks")
    boolean untrainedOnly;
    @Option(names = "--pretrained", description = "only networks meta-trained on random coins")
    boolean pretrainedOnly;
    @Option(names = "--reps", description = "repetitions (seeds) per method (default: 10, or 3 with --quick)")
    Integer reps;
    @Option(names = "--prefix-length", defaultValue = "6",
            description = "prefix length L of every prefix method, 1..12; HardPT searches all 2^L (default ${DEFAULT-VALUE})")
    int prefixLength;
    @Option(names = "--seed", defaultValue = "0", description = "seed of everything (default ${DEFAULT-VALUE})")
    long seed;
    @Option(names = "--threads", defaultValue = "1",
            description = "CPU threads of the tensor engine (default ${DEFAULT-VALUE}: fastest for these small networks)")
    int threads;
    @Option(names = "--resume", description = "continue the run in --out, skipping its finished methods")
    boolean resume;
    @Option(names = "--out", required = true, description = "run directory (must not exist or be empty, unless --resume)")
    Path out;

    @Override
    public Integer call() throws Exception {
        BayesStudyConfig config = config(quick, networks, pretrainedOnly, untrainedOnly, reps, seed);
        if (prefixLength < 1 || prefixLength > 12) {
            throw new IllegalArgumentException("--prefix-length must be in [1, 12], got " + prefixLength);
        }
        config = config.withPrefixLength(prefixLength);
        BayesRun.check(config, out, resume);
        EngineThreads.set(threads);
        double seconds = run(config, threads, out, resume);
        System.out.printf("%nwrote %s, %s and %s (%.0f s)%n", out.resolve("result.json"), out.resolve("curves.json"),
                out.resolve("report.html"), seconds);
        return 0;
    }

    /** The settings the options ask for; fails naming a bad value and what is allowed. */
    static BayesStudyConfig config(boolean quick, List<String> networks, boolean pretrainedOnly, boolean untrainedOnly,
            Integer reps, long seed) {
        BayesStudyConfig base = quick ? BayesStudyConfig.quick() : BayesStudyConfig.full();
        for (String n : networks) {
            if (!CoinModels.NAMES.contains(n)) {
                throw new IllegalArgumentException("--networks: unknown network '" + n + "' (allowed: "
                        + String.join(", ", CoinModels.NAMES) + ")");
            }
        }
        if (reps != null && (reps < 1 || reps > 1000)) {
            throw new IllegalArgumentException("--reps must be in [1, 1000], got " + reps);
        }
        // neither flag, or both: study both variants
        boolean pretrained = pretrainedOnly || !untrainedOnly;
        boolean untrained = untrainedOnly || !pretrainedOnly;
        return base.with(networks, pretrained, untrained, reps == null ? base.reps() : reps).withSeed(seed);
    }

    /** Runs the study, writes the run directory, prints the table at the last checkpoint; returns the study's seconds. */
    static double run(BayesStudyConfig config, int threads, Path out, boolean resume) throws java.io.IOException {
        long start = System.nanoTime();
        System.err.printf("promptlab bayes (%s settings): %s, %s, %d repetitions%n", config.preset(),
                String.join(" + ", config.networks()),
                config.pretrained() && config.untrained() ? "pretrained and untrained"
                        : config.pretrained() ? "pretrained only" : "untrained only", config.reps());
        BayesStudy.Outcome outcome = BayesRun.run(config, out, resume, Map.of("threads", threads),
                line -> System.err.printf("[%4.0f s] %s%n", (System.nanoTime() - start) / 1e9, line));
        List<Integer> checkpoints = BayesStudy.checkpoints(config);
        int n = checkpoints.get(checkpoints.size() - 1);
        System.out.printf("%nCumulative regret [nats] at n = %d: median [25 %%, 75 %%] over repetitions%n", n);
        String lastVariant = "";
        for (BayesResult r : outcome.results()) {
            String variant = r.variant() + " / " + r.target();
            if (!variant.equals(lastVariant)) {
                System.out.printf("%n%s%n", variant);
                lastVariant = variant;
            }
            System.out.printf("  %-12s %9.3f  [%.3f, %.3f]%s%n", r.method().label(), r.medianAt(n), r.regretAt(n, 0.25),
                    r.regretAt(n, 0.75), r.method() == BayesMethod.HARD_PT || r.method() == BayesMethod.PRE_BAYES_PT
                            ? "  prefix " + r.prefix() : "");
        }
        return outcome.seconds();
    }
}
