package dev.promptlab.cli;

import dev.promptlab.study.Pretraining;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * Parses {@code pretrain}'s options and runs {@link Pretraining} (or, with {@code --builtin}, a
 * built-in model's recipe).
 */
@Command(name = "pretrain", mixinStandardHelpOptions = true,
        description = {"Pretrain a model on a text corpus (all weights) and write it to --out.",
            "Checkpoints go to OUT/checkpoint every --checkpoint-every steps; --resume continues a killed run exactly."})
final class PretrainCommand implements Callable<Integer> {
    @Option(names = "--model", description = "model directory (from init-model), or builtin:NAME to continue one")
    String model;
    @Option(names = "--corpus", description = "UTF-8 text file, one document or sentence per line")
    Path corpus;
    @Option(names = "--steps", defaultValue = "0", description = "optimizer steps (with --builtin: override the recipe's)")
    int steps;
    @Option(names = "--builtin", description = "reproduce a built-in model (tiny, small, base) from its recipe instead")
    String builtin;
    @Option(names = "--batch-size", defaultValue = "16", description = "windows per step (default ${DEFAULT-VALUE})")
    int batchSize;
    @Option(names = "--seq-len", defaultValue = "0", description = "tokens per window (default: the model's context)")
    int seqLen;
    @Option(names = "--lr", defaultValue = "3e-3", description = "peak learning rate (default ${DEFAULT-VALUE})")
    double lr;
    @Option(names = "--warmup", defaultValue = "-1", description = "warmup steps (default: 5%% of steps)")
    int warmup;
    @Option(names = "--weight-decay", defaultValue = "0.01", description = "AdamW weight decay (default ${DEFAULT-VALUE})")
    double weightDecay;
    @Option(names = "--seed", defaultValue = "0", description = "data order seed (default ${DEFAULT-VALUE})")
    long seed;
    @Option(names = "--checkpoint-every", defaultValue = "100",
            description = "steps between checkpoints, 0 = none (default ${DEFAULT-VALUE}); removed once the model is written")
    int checkpointEvery;
    @Option(names = "--resume", description = "continue the run in --out from its checkpoint")
    boolean resume;
    @Option(names = "--quiet", description = "no progress bar")
    boolean quiet;
    @Option(names = "--out", required = true, description = "directory for the trained model")
    Path out;

    @Override
    public Integer call() throws Exception {
        if (builtin != null) {
            if (steps < 0) {
                throw new IllegalArgumentException("--steps must be >= 1 (or 0 for the recipe's), got " + steps);
            }
            return BuiltinPretrainRun.run(builtin, steps, checkpointEvery, out, resume, quiet, model != null || corpus != null);
        }
        if (model == null || corpus == null || steps < 1) {
            throw new IllegalArgumentException("pretrain needs --model, --corpus and --steps >= 1 (or --builtin NAME)");
        }
        Pretraining.Result result = Pretraining.run(new Pretraining.Spec(model, corpus, steps, batchSize, seqLen, lr, warmup,
                weightDecay, seed, checkpointEvery, out, resume, !quiet), System.err::println);
        if (!Double.isNaN(result.heldOutLoss())) {
            System.out.printf("held-out loss %.4f, perplexity %.2f%n", result.heldOutLoss(), Math.exp(result.heldOutLoss()));
        }
        System.out.printf("wrote %s (final training loss %.4f)%n", out, result.finalLoss());
        return 0;
    }
}
