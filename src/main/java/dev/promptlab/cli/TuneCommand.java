package dev.promptlab.cli;

import dev.promptlab.adapt.Adapters;
import dev.promptlab.study.TuneResult;
import dev.promptlab.study.TuneSpec;
import dev.promptlab.study.Tuning;
import dev.promptlab.train.TrainConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** Parses {@code tune}'s options into a {@link TuneSpec} and runs it ({@link Tuning#run}). */
@Command(name = "tune", mixinStandardHelpOptions = true, modelTransformer = MethodFlags.class, sortOptions = false,
        description = {"Train an adapter on a frozen model for a JSONL dataset or a built-in task.",
            "Methods: soft-prompt (prompt tuning), prefix (prefix tuning), p-tuning (prompt encoder), lora,"
                    + " full (every weight; writes RUN/model instead of RUN/adapter).",
            "Adapters are written in PEFT's layout (adapter_model.safetensors + adapter_config.json)."
                    + " The default --lr suits prompts; LoRA and full tuning want a smaller one (e.g. 1e-3, 1e-4).",
            "--seeds 1,10,100 trains one prompt per seed in one batch and writes RUN/seed-S/ each and RUN/summary.json."})
final class TuneCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Option(names = "--model", required = true, description = "model directory, or builtin:tiny|small|base")
    String model;
    @Option(names = "--train", description = "JSONL file of {\"input\": ..., \"output\": ...}")
    Path trainFile;
    @Option(names = "--task", description = "built-in task builtin:NAME[:SPLIT] instead of --train (default split: train)")
    String taskRef;
    @Mixin
    TaskOptions taskOptions;
    @Option(names = "--method", defaultValue = "soft-prompt", description = "soft-prompt, prefix, p-tuning, lora or full (default ${DEFAULT-VALUE})")
    String method;
    @Option(names = "--steps", required = true, description = "optimizer steps")
    int steps;
    @Option(names = "--batch-size", defaultValue = "8", description = "examples per step, per seed (default ${DEFAULT-VALUE})")
    int batchSize;
    @Option(names = "--lr", defaultValue = "0.03", description = "peak learning rate (default ${DEFAULT-VALUE})")
    double lr;
    @Option(names = "--warmup", defaultValue = "0", description = "warmup steps (default ${DEFAULT-VALUE})")
    int warmup;
    @Option(names = "--weight-decay", defaultValue = "0", description = "AdamW weight decay (default ${DEFAULT-VALUE})")
    double weightDecay;
    @Option(names = "--clip", defaultValue = "1.0", description = "gradient-norm clip, 0 = off (default ${DEFAULT-VALUE})")
    double clip;
    @Option(names = "--seed", description = "seed for init and data order (default 0)")
    Long seed;
    @Option(names = "--seeds", split = ",", description = "several seeds, one prompt each, trained in one batch: RUN/seed-S/ each")
    List<Long> seeds;
    @Option(names = "--checkpoint-every", defaultValue = "100", description = "steps between checkpoints, 0 = end only (default ${DEFAULT-VALUE})")
    int checkpointEvery;
    @Option(names = "--resume", description = "continue the run in --out from its checkpoint")
    boolean resume;
    @Option(names = "--quiet", description = "no progress bar")
    boolean quiet;
    @Option(names = "--train-accuracy", paramLabel = "N", defaultValue = "512", description = "classification: measure"
            + " the final train accuracy on the first N training examples (default ${DEFAULT-VALUE}; 0 skips it, which on a"
            + " large model saves a forward pass per example)")
    int trainAccuracy;
    @Option(names = "--out", required = true, description = "run directory")
    Path out;

    @Override
    public Integer call() throws Exception {
        if (seed != null && seeds != null) {
            throw new IllegalArgumentException("give --seed N or --seeds A,B,..., not both");
        }
        List<Long> chosen = seeds != null ? seeds : List.of(seed == null ? 0L : seed);
        TuneSpec tune = new TuneSpec(model, taskOptions.source(taskRef, trainFile, "--train"),
                Adapters.parse(method, MethodFlags.given(spec)),
                new TrainConfig(steps, batchSize, lr, warmup, weightDecay, clip, chosen.get(0), 10, checkpointEvery),
                chosen, seeds != null, out, resume, !quiet, trainAccuracy);
        TuneResult result = Tuning.run(tune, System.err::println);
        for (TuneResult.SeedRun r : result.runs()) {
            System.out.printf("wrote %s (final loss %.4f%s)%n", r.output(), r.finalLoss(),
                    r.hasTrainAccuracy() ? String.format(", train accuracy %.3f", r.trainAccuracy()) : "");
        }
        if (seeds != null) {
            TuneResult.Spread loss = result.finalLoss();
            TuneResult.Spread acc = result.trainAccuracy();
            System.out.printf("%d seeds: final loss %.4f ± %.4f%s; wrote %s%n", loss.n(), loss.mean(), loss.std(),
                    result.runs().get(0).hasTrainAccuracy() ? String.format(", train accuracy %.3f ± %.3f", acc.mean(), acc.std()) : "",
                    out.resolve("summary.json"));
        }
        return 0;
    }
}
