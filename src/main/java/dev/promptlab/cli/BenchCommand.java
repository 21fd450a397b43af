package dev.promptlab.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptlab.bench.Benchmarks;
import dev.promptlab.bench.PromptBatchBench;
import dev.promptlab.bench.CheckpointBench;
import dev.promptlab.bench.Machine;
import dev.promptlab.bench.SoakBench;
import dev.promptlab.model.LoadedModel;
import dev.promptlab.study.ModelSource;
import dev.promptlab.model.ModelConfig;
import dev.promptlab.tensor.AtomicFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * Measures the engine's sgemm and a soft-prompt training step on GPT-2-small shapes, a checkpoint
 * ({@code --model}), or resident memory over a long run ({@code --soak}).
 */
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
            description = "what to measure: sgemm, step (soft prompt on GPT-2-small shapes), prompts (K prompts in one"
                    + " batch on builtin:small), tune-seeds (tune --seeds against separate processes) (default ${DEFAULT-VALUE})")
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
        if (runs < 1 || warmup < 0) {
            throw new IllegalArgumentException("--runs must be >= 1 and --warmup >= 0");
        }
        ObjectNode out = Json.MAPPER.createObjectNode();
        ObjectNode machine = out.putObject("machine");
        Machine.describe().forEach(machine::put);
        System.out.println("machine: " + machine);
        if (soak) {
            out.set("soak", soak());
            AtomicFiles.writeString(jsonOut, Json.MAPPER.writeValueAsString(out) + "\n");
            return 0;
        }
        if (model != null) {
            if (scoreTokens < 2 || newTokens < 1) {
                throw new IllegalArgumentException("--score-tokens must be >= 2 and --new-tokens >= 1");
            }
            out.set("checkpoint", checkpoint());
            AtomicFiles.writeString(jsonOut, Json.MAPPER.writeValueAsString(out) + "\n");
            return 0;
        }

        for (String section : sections) {
            if (!List.of("sgemm", "step", "prompts", "tune-seeds").contains(section)) {
                throw new IllegalArgumentException("unknown section '" + section + "' (allowed: sgemm, step, prompts, tune-seeds)");
            }
        }
        double sgemmGflops = Double.NaN;
        if (sections.contains("sgemm") || sections.contains("step")) {
            sgemmGflops = sgemm(out);
        }
        if (sections.contains("step")) {
            step(out, sgemmGflops);
        }
        if (sections.contains("prompts")) {
            prompts(out);
        }
        if (sections.contains("tune-seeds")) {
            tuneSeeds(out);
        }
        AtomicFiles.writeString(jsonOut, Json.MAPPER.writeValueAsString(out) + "\n");
        return 0;
    }

    private double sgemm(ObjectNode out) {
        int n = 2048;
        Benchmarks.Timing sgemm = Benchmarks.sgemm(n, Math.max(2, warmup), Math.max(runs, 5));
        double sgemmGflops = 2.0 * n * n * n / sgemm.median() / 1e9;
        ObjectNode so = out.putObject("sgemm");
        so.put("n", n);
        so.put("seconds_median", sgemm.median());
        so.put("gflops", sgemmGflops);
        so.putPOJO("seconds_samples", sgemm.samples());
        System.out.printf("sgemm %d^3: %.4f s median, %.1f GFLOP/s%n", n, sgemm.median(), sgemmGflops);
        return sgemmGflops;
    }

    private void step(ObjectNode out, double sgemmGflops) {
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
    }

    private void prompts(ObjectNode out) throws java.io.IOException {
        List<PromptBatchBench.StepFigure> figures = PromptBatchBench.stepTimes("builtin:small", "builtin:topic",
                promptCounts, 10, 8, promptSteps, Math.max(1, warmup));
        ObjectNode po = out.putObject("prompt_batch");
        po.put("setup", "builtin:small, builtin:topic, soft prompt P=10, batch 8 per prompt, " + promptSteps
                + " timed steps (medians)");
        double alone = figures.stream().filter(f -> f.prompts() == 1).mapToDouble(PromptBatchBench.StepFigure::perPromptSeconds)
                .findFirst().orElse(Double.NaN);
        var rows = po.putArray("figures");
        for (PromptBatchBench.StepFigure f : figures) {
            ObjectNode row = rows.addObject();
            row.put("prompts", f.prompts());
            row.put("step_seconds_median", f.stepSeconds().median());
            row.putPOJO("step_seconds_samples", f.stepSeconds().samples());
            row.put("seconds_per_prompt_step", f.perPromptSeconds());
            row.put("speedup_per_prompt_vs_alone", alone / f.perPromptSeconds());
            System.out.printf("K=%-3d step %.4f s median, %.4f s per prompt (%.2fx one prompt alone)%n", f.prompts(),
                    f.stepSeconds().median(), f.perPromptSeconds(), alone / f.perPromptSeconds());
        }
    }

    private void tuneSeeds(ObjectNode out) throws Exception {
        java.nio.file.Path work = java.nio.file.Files.createTempDirectory("promptlab-bench-seeds");
        try {
            PromptBatchBench.ProcessFigure f = PromptBatchBench.tuneProcesses("builtin:small", "builtin:topic", tuneSeeds,
                    promptSteps, work);
            ObjectNode o = out.putObject("tune_seeds");
            o.put("setup", "tune --model builtin:small --task builtin:topic --prompt-length 10 --steps " + promptSteps
                    + ": one process with --seeds 1.." + tuneSeeds + " against " + tuneSeeds + " processes one after another");
            o.put("seeds", f.seeds());
            o.put("batched_seconds", f.batchedSeconds());
            o.put("separate_seconds", f.separateSeconds());
            o.put("speedup", f.speedup());
            System.out.printf("tune --seeds (%d seeds): %.1f s; %d separate tune processes: %.1f s; %.2fx%n", f.seeds(),
                    f.batchedSeconds(), f.seeds(), f.separateSeconds(), f.speedup());
        } finally {
            dev.promptlab.tensor.AtomicFiles.deleteTree(work);
        }
    }

    private ObjectNode soak() throws java.io.IOException {
        SoakBench.Result r;
        try (LoadedModel loaded = ModelSource.load(soakModel)) {
            r = SoakBench.run(loaded, soakSteps, soakCalls, 20, System.out::println);
        }
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("model", soakModel);
        for (SoakBench.Phase p : List.of(r.train(), r.decode())) {
            ObjectNode po = o.putObject(p.name());
            po.put(p.name().equals("train") ? "steps" : "calls", p.count());
            po.put("rss_after_warmup_bytes", p.warm());
            po.put("rss_end_bytes", p.end());
            po.put("rss_peak_bytes", p.peak());
            po.put("growth", p.growth());
            po.put("peak_growth", p.peakGrowth());
            System.out.printf("%s (%d): resident %.1f MiB after warm-up, %.1f MiB at the end: %+.2f%% (peak %+.2f%%)%n",
                    p.name(), p.count(), p.warm() / (double) (1 << 20), p.end() / (double) (1 << 20), 100 * p.growth(),
                    100 * p.peakGrowth());
        }
        var samples = o.putArray("samples");
        for (SoakBench.Sample s : r.samples()) {
            samples.addObject().put("phase", s.phase()).put("done", s.done()).put("rss_bytes", s.rssBytes());
        }
        return o;
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
