package dev.promptlab.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptlab.bench.Benchmarks;
import dev.promptlab.bench.CheckpointBench;
import dev.promptlab.bench.Machine;
import dev.promptlab.model.ModelConfig;
import dev.promptlab.tensor.AtomicFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
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

    @Override
    public Integer call() throws Exception {
        if (runs < 1 || warmup < 0) {
            throw new IllegalArgumentException("--runs must be >= 1 and --warmup >= 0");
        }
        ObjectNode out = Json.MAPPER.createObjectNode();
        ObjectNode machine = out.putObject("machine");
        Machine.describe().forEach(machine::put);
        System.out.println("machine: " + machine);
        if (model != null) {
            if (scoreTokens < 2 || newTokens < 1) {
                throw new IllegalArgumentException("--score-tokens must be >= 2 and --new-tokens >= 1");
            }
            out.set("checkpoint", checkpoint());
            AtomicFiles.writeString(jsonOut, Json.MAPPER.writeValueAsString(out) + "\n");
            return 0;
        }

        int n = 2048;
        Benchmarks.Timing sgemm = Benchmarks.sgemm(n, Math.max(2, warmup), Math.max(runs, 5));
        double sgemmGflops = 2.0 * n * n * n / sgemm.median() / 1e9;
        ObjectNode so = out.putObject("sgemm");
        so.put("n", n);
        so.put("seconds_median", sgemm.median());
        so.put("gflops", sgemmGflops);
        so.putPOJO("seconds_samples", sgemm.samples());
        System.out.printf("sgemm %d^3: %.4f s median, %.1f GFLOP/s%n", n, sgemm.median(), sgemmGflops);

        int batch = 8;
        int tokens = 128;
        int prompt = 20;
        ModelConfig gpt2 = new ModelConfig("gpt", 50257, 1024, 768, 12, 12, 3072, 1e-5, 50256, 50256);
        Benchmarks.Timing step = Benchmarks.softPromptStep(gpt2, batch, tokens, prompt, warmup, runs);
        int tPrime = tokens + prompt;
        double flops = 2 * Benchmarks.gptForwardFlops(batch, tPrime, 12, 768, 50257);
        double gflops = flops / step.median() / 1e9;
        ObjectNode po = out.putObject("soft_prompt_step");
        po.put("shapes", "gpt2-small: L=12 C=768 H=12 V=50257, B=8, T=128 + P=20");
        po.put("seconds_median", step.median());
        po.putPOJO("seconds_samples", step.samples());
        po.put("gflop_per_step", flops / 1e9);
        po.put("gflops", gflops);
        po.put("ratio_to_sgemm", gflops / sgemmGflops);
        System.out.printf("soft-prompt step (GPT-2-small shapes, B=8, T'=148): %.3f s median, %.1f GFLOP/s, %.2f of sgemm%n",
                step.median(), gflops, gflops / sgemmGflops);
        AtomicFiles.writeString(jsonOut, Json.MAPPER.writeValueAsString(out) + "\n");
        return 0;
    }

    private ObjectNode checkpoint() {
        CheckpointBench b = CheckpointBench.run(model, runs, scoreTokens, newTokens);
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("model", model.toString());
        o.put("parameters", b.parameters());
        o.put("load_seconds_median", b.loadSeconds().median());
        o.putPOJO("load_seconds_samples", b.loadSeconds().samples());
        o.put("peak_rss_bytes", b.peakRssBytes());
        o.put("score_tokens", b.scoreLength());
        o.put("score_tokens_per_second_median", b.scoreTokensPerSecond().median());
        o.putPOJO("score_tokens_per_second_samples", b.scoreTokensPerSecond().samples());
        o.put("new_tokens", b.newTokens());
        o.put("generate_tokens_per_second_median", b.generateTokensPerSecond().median());
        o.putPOJO("generate_tokens_per_second_samples", b.generateTokensPerSecond().samples());
        System.out.printf("%s: %.3fB parameters, load %.1f s median, peak RSS %.2f GiB, score %.1f tokens/s (%d tokens),"
                + " generate %.2f tokens/s (greedy, %d new)%n", model, b.parameters() / 1e9, b.loadSeconds().median(),
                b.peakRssBytes() / (double) (1L << 30), b.scoreTokensPerSecond().median(), b.scoreLength(),
                b.generateTokensPerSecond().median(), b.newTokens());
        return o;
    }
}
