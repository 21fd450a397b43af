package dev.promptlab.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptlab.bench.BenchRun;
import dev.promptlab.tensor.AtomicFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** Measures the engine's sgemm and a soft-prompt training step on GPT-2-small shapes. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure sgemm GFLOP/s and a soft-prompt training step on GPT-2-small shapes (medians); with"
                + " --model DIR, measure that checkpoint instead: load time, peak memory, score and generation speed.")
final class BenchCommand implements Callable<Integer> {
    @Option(names = "--json", required = true, description = "where to write the figures")
    Path jsonOut;
    @Option(names = "--runs", defaultValue = "5", description = "timed runs per figure (default ${DEFAULT-VALUE})")
    int runs;
    @Option(names = "--warmup", defaultValue = "1", description = "untimed runs first (default ${DEFAULT-VALUE})")
    int warmup;
    @Option(names = "--model", description = "a model directory (Hugging Face layout) to measure instead")
    Path model;
    @Option(names = "--score-tokens", defaultValue = "128", description = "with --model: tokens scored per run (default ${DEFAULT-VALUE})")
    int scoreTokens;
    @Option(names = "--new-tokens", defaultValue = "32", description = "with --model: tokens generated per run (default ${DEFAULT-VALUE})")
    int newTokens;
    @Option(names = "--sections", split = ",", defaultValue = "sgemm,step",
            description = "what to measure: sgemm, step (soft prompt on GPT-2-small shapes), batch (batch 8 against 128 on builtin:small), prompts (K prompts in one"
                    + " batch on builtin:small), tune-seeds (tune --seeds against separate processes), decode (KV-cache"
                    + " greedy decoding against recomputing, builtin:small and GPT-2-medium shapes), memory (peak RSS of"
                    + " soft-prompt against full tuning), shared-prefix (decoding that reads a shared prompt + demonstrations once),"
                    + " startup (promptlab tasks and a 40-step tune as fresh processes: the time outside training),"
                    + " precision (float16 against float32 matrix products; bfloat16 is not available)"
                    + " (default ${DEFAULT-VALUE})")
    List<String> sections;
    @Option(names = "--prompts", split = ",", defaultValue = "1,4,16,64",
            description = "section prompts: the K values (default ${DEFAULT-VALUE})")
    List<Integer> promptCounts;
    @Option(names = "--prompt-steps", defaultValue = "50", description = "sections prompts and tune-seeds: steps (default ${DEFAULT-VALUE})")
    int promptSteps;
    @Option(names = "--tune-seeds", defaultValue = "16", description = "section tune-seeds: seeds (default ${DEFAULT-VALUE})")
    int tuneSeeds;

    @Option(names = "--soak", description = "instead: a memory soak, resident memory sampled over --soak-steps soft-prompt"
            + " steps and --soak-calls decoding calls on --soak-model; reports the growth after warm-up")
    boolean soak;
    @Option(names = "--soak-model", defaultValue = "builtin:tiny", description = "with --soak: the model (default ${DEFAULT-VALUE})")
    String soakModel;
    @Option(names = "--soak-steps", defaultValue = "20000", description = "with --soak: training steps (default ${DEFAULT-VALUE})")
    int soakSteps;
    @Option(names = "--soak-calls", defaultValue = "2000", description = "with --soak: decoding calls (default ${DEFAULT-VALUE})")
    int soakCalls;

    @Override
    public Integer call() throws Exception {
        ObjectNode out = soak ? BenchRun.soak(soakModel, soakSteps, soakCalls, System.out::println)
                : model != null ? BenchRun.checkpoint(model, runs, scoreTokens, newTokens, System.out::println)
                : new BenchRun(runs, warmup, sections, promptCounts, promptSteps, tuneSeeds).run(System.out::println);
        AtomicFiles.writeString(jsonOut, Json.MAPPER.writeValueAsString(out) + "\n");
        return 0;
    }
}
