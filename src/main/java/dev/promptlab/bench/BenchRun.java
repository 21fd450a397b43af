package dev.promptlab.bench;

import dev.promptlab.tensor.Devices;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptlab.model.ModelConfig;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * The library entry point of {@code promptlab bench}: the chosen sections measured one after the
 * other (never two at once: they would slow each other), each figure a median over runs, into one
 * JSON object with the machine line; each figure is also printed as a line.
 *
 * @param runs timed runs per figure
 * @param warmup untimed runs first
 * @param sections which sections, of {@link #SECTIONS}
 * @param promptCounts the K values of section prompts
 * @param promptSteps steps of sections prompts, tune-seeds and memory
 * @param tuneSeeds seeds of section tune-seeds
 */
public record BenchRun(int runs, int warmup, List<String> sections, List<Integer> promptCounts, int promptSteps,
        int tuneSeeds) {
    private static final ObjectMapper JSON = new ObjectMapper();
    public static final List<String> SECTIONS = List.of("sgemm", "step", "batch", "prompts", "tune-seeds", "decode",
            "shared-prefix", "memory", "startup", "precision");

    public BenchRun {
        if (runs < 1 || warmup < 0) {
            throw new IllegalArgumentException("--runs must be >= 1 and --warmup >= 0, got " + runs + " and " + warmup);
        }
        for (String section : sections) {
            if (!SECTIONS.contains(section)) {
                throw new IllegalArgumentException("unknown section '" + section + "' (allowed: " + String.join(", ", SECTIONS)
                        + ")");
            }
        }
        if (promptCounts.stream().anyMatch(k -> k < 1) || promptSteps < 1 || tuneSeeds < 1) {
            throw new IllegalArgumentException("--prompts, --prompt-steps and --tune-seeds must be >= 1");
        }
        sections = List.copyOf(sections);
        promptCounts = List.copyOf(promptCounts);
    }

    /** The machine line and every chosen section's figures. */
    public ObjectNode run(Consumer<String> print) throws Exception {
        ObjectNode out = JSON.createObjectNode();
        ObjectNode machine = out.putObject("machine");
        Machine.describe().forEach(machine::put);
        print.accept("machine: " + machine);
        double sgemmGflops = Double.NaN;
        if (sections.contains("sgemm") || sections.contains("step")) {
            sgemmGflops = sgemm(out, print);
        }
        if (sections.contains("step")) {
            step(out, sgemmGflops, print);
        }
        if (sections.contains("batch")) {
            batchSizes(out, print);
        }
        if (sections.contains("prompts")) {
            prompts(out, print);
        }
        if (sections.contains("tune-seeds")) {
            tuneSeeds(out, print);
        }
        if (sections.contains("decode")) {
            decode(out, print);
        }
        if (sections.contains("shared-prefix")) {
            out.set("shared_prefix", SharedPrefixBench.run("builtin:small", "logic-to-text", runs, warmup, print));
        }
        if (sections.contains("memory")) {
            memory(out, print);
        }
        if (sections.contains("startup")) {
            startup(out, print);
        }
        if (sections.contains("precision")) {
            precision(out, print);
        }
        return out;
    }

    /** Resident memory over a long run: {@code steps} soft-prompt steps, then {@code calls} decoding calls. */
    public static ObjectNode soak(String model, int steps, int calls, Consumer<String> print) throws java.io.IOException {
        ObjectNode out = JSON.createObjectNode();
        ObjectNode machine = out.putObject("machine");
        Machine.describe().forEach(machine::put);
        print.accept("machine: " + machine);
        SoakBench.Result r;
        try (dev.promptlab.model.LoadedModel loaded = dev.promptlab.study.ModelSource.load(model)) {
            r = SoakBench.run(loaded, steps, calls, 20, print);
        }
        ObjectNode o = out.putObject("soak");
        o.put("model", model);
        for (SoakBench.Phase p : List.of(r.train(), r.decode())) {
            ObjectNode po = o.putObject(p.name());
            po.put(p.name().equals("train") ? "steps" : "calls", p.count());
            po.put("rss_after_warmup_bytes", p.warm());
            po.put("rss_end_bytes", p.end());
            po.put("rss_peak_bytes", p.peak());
            po.put("growth", p.growth());
            po.put("peak_growth", p.peakGrowth());
            po.put("trend_growth", p.trendGrowth());
            po.put("java_heap_committed_after_warmup_bytes", p.heapWarm());
            po.put("java_heap_committed_end_bytes", p.heapEnd());
            po.put("outside_heap_growth", p.outsideHeapGrowth());
            print.accept(String.format("%s (%d): resident %.1f MiB after warm-up, %.1f MiB at the end: %+.2f%% (peak %+.2f%%,"
                    + " trend %+.2f%%; outside the Java heap %+.2f%%)", p.name(), p.count(), p.warm() / (double) (1 << 20),
                    p.end() / (double) (1 << 20), 100 * p.growth(), 100 * p.peakGrowth(), 100 * p.trendGrowth(),
                    100 * p.outsideHeapGrowth()));
        }
        var samples = o.putArray("samples");
        for (SoakBench.Sample s : r.samples()) {
            samples.addObject().put("phase", s.phase()).put("done", s.done()).put("rss_bytes", s.rssBytes())
                    .put("java_heap_committed_bytes", s.heapCommittedBytes());
        }
        return out;
    }

    /** A user's checkpoint: load time, peak memory, scoring and generation speed. */
    public static ObjectNode checkpoint(Path model, int runs, int scoreTokens, int newTokens, Consumer<String> print) {
        if (scoreTokens < 2 || newTokens < 1) {
            throw new IllegalArgumentException("--score-tokens must be >= 2 and --new-tokens >= 1");
        }
        ObjectNode out = JSON.createObjectNode();
        ObjectNode machine = out.putObject("machine");
        Machine.describe().forEach(machine::put);
        print.accept("machine: " + machine);

        CheckpointBench b = CheckpointBench.run(model, runs, scoreTokens, newTokens);
        ObjectNode o = out.putObject("checkpoint");
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
        print.accept(String.format("%s: %.3fB parameters, load %.1f s median, peak RSS %.2f GiB, score %.1f tokens/s (%d tokens),"
                + " generate %.2f tokens/s (greedy, %d new)", model, b.parameters() / 1e9, b.loadSeconds().median(),
                b.peakRssBytes() / (double) (1L << 30), b.scoreTokensPerSecond().median(), b.scoreLength(),
                b.generateTokensPerSecond().median(), b.newTokens()));
        return out;
    }

    private void decode(ObjectNode out, Consumer<String> print) throws java.io.IOException {
        var rows = out.putArray("decode");
        ModelConfig medium = new ModelConfig("gpt", 50257, 1024, 1024, 24, 16, 4096, 1e-5, 50256, 50256);
        for (String which : List.of("builtin:small", "gpt2-medium shapes (random weights)")) {
            try (ai.djl.ndarray.NDManager m = dev.promptlab.tensor.Devices.newManager();
                    dev.promptlab.model.LoadedModel loaded = which.startsWith("builtin:")
                            ? dev.promptlab.study.ModelSource.load(which) : null) {
                dev.promptlab.model.LanguageModel lm = loaded != null ? loaded.model()
                        : dev.promptlab.model.Architectures.byName("gpt").init(medium, m, new dev.promptlab.tensor.Rng(3));
                DecodingBench.Figure f = DecodingBench.run(lm, 16, 128, warmup,
                        Math.max(1, Math.min(runs, 3)));
                ObjectNode row = rows.addObject();
                row.put("model", which);
                row.put("context_tokens", f.contextTokens());
                row.put("new_tokens", f.newTokens());
                row.put("cached_seconds_median", f.cached().median());
                row.put("recomputed_seconds_median", f.recomputed().median());
                row.put("speedup", f.speedup());
                row.put("same_tokens", f.sameTokens());
                print.accept(String.format("decode %s: %d new tokens, cached %.2f s, recomputed %.2f s: %.1fx (same tokens: %s)",
                        which, f.newTokens(), f.cached().median(), f.recomputed().median(), f.speedup(), f.sameTokens()));
                if (loaded == null) {
                    lm.close();
                }
            }
        }
    }

    private void memory(ObjectNode out, Consumer<String> print) throws Exception {
        java.nio.file.Path work = java.nio.file.Files.createTempDirectory("promptlab-bench-memory");
        try {
            var rows = out.putArray("tune_memory");
            List<TuneMemoryBench.Figure> figures = TuneMemoryBench.run(
                    "builtin:small", "builtin:topic", List.of("soft-prompt", "full"), promptSteps, work);
            for (TuneMemoryBench.Figure f : figures) {
                ObjectNode row = rows.addObject();
                row.put("method", f.method());
                row.put("peak_rss_bytes", f.peakRssBytes());
                row.put("seconds", f.seconds());
                print.accept(String.format("tune --method %s on builtin:small (%d steps): peak RSS %.2f GiB, %.1f s", f.method(),
                        promptSteps, f.peakRssBytes() / (double) (1L << 30), f.seconds()));
            }
            out.put("tune_memory_ratio_prompt_to_full", figures.get(0).peakRssBytes() / (double) figures.get(1).peakRssBytes());
        } finally {
            dev.promptlab.tensor.AtomicFiles.deleteTree(work);
        }
    }

    /**
     * Whether a reduced-precision frozen model could be faster here: float16 against float32
     * matrix products at a GPT-2-small MLP shape of the step section (B·T' = 1184 rows) and at
     * 2048³. bfloat16 cannot be measured: DJL's PyTorch JNI maps no bfloat16 type, and making any
     * bfloat16 tensor aborts the process.
     */
    private void precision(ObjectNode out, Consumer<String> print) {
        ObjectNode po = out.putObject("reduced_precision");
        po.put("bfloat16", "not available: DJL's PyTorch JNI has no bfloat16 type (creating one aborts the process)");
        var rows = po.putArray("gemm");
        int[][] shapes = {{1184, 768, 3072}, {2048, 2048, 2048}};
        for (int[] s : shapes) {
            ObjectNode row = rows.addObject();
            row.put("shape", s[0] + "x" + s[1] + " * " + s[1] + "x" + s[2]);
            double flops = 2.0 * s[0] * s[1] * s[2];
            double fp32 = flops / Benchmarks.gemm(s[0], s[1], s[2], ai.djl.ndarray.types.DataType.FLOAT32,
                    Math.max(2, warmup), Math.max(runs, 5)).median() / 1e9;
            double fp16 = flops / Benchmarks.gemm(s[0], s[1], s[2], ai.djl.ndarray.types.DataType.FLOAT16,
                    Math.max(2, warmup), Math.max(runs, 5)).median() / 1e9;
            row.put("float32_gflops", fp32);
            row.put("float16_gflops", fp16);
            row.put("float16_speedup", fp16 / fp32);
            print.accept(String.format("gemm %s: float32 %.1f GFLOP/s, float16 %.1f GFLOP/s (%.2fx)", row.get("shape").asText(),
                    fp32, fp16, fp16 / fp32));
        }
    }

    private double sgemm(ObjectNode out, Consumer<String> print) {
        int n = 2048;
        Benchmarks.Timing sgemm = Benchmarks.sgemm(n, Math.max(2, warmup), Math.max(runs, 5));
        double sgemmGflops = 2.0 * n * n * n / sgemm.median() / 1e9;
        ObjectNode so = out.putObject("sgemm");
        so.put("n", n);
        so.put("seconds_median", sgemm.median());
        so.put("gflops", sgemmGflops);
        so.putPOJO("seconds_samples", sgemm.samples());
        print.accept(String.format("sgemm %d^3: %.4f s median, %.1f GFLOP/s", n, sgemm.median(), sgemmGflops));
        return sgemmGflops;
    }

    private void step(ObjectNode out, double sgemmGflops, Consumer<String> print) {
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
        print.accept(String.format("soft-prompt step (GPT-2-small shapes, B=8, T'=148): %.3f s median, %.1f GFLOP/s, %.2f of sgemm",
                step.median(), gflops, gflops / sgemmGflops));
    }

    /** One soft prompt on builtin:small at batch 8 and 128: seconds per example (bigger batches must not cost more). */
    private void batchSizes(ObjectNode out, Consumer<String> print) throws java.io.IOException {
        var rows = out.putArray("batch_sizes");
        for (int batch : new int[] {8, 128}) {
            PromptBatchBench.StepFigure f = PromptBatchBench.stepTimes("builtin:small", "builtin:topic", List.of(1), 10,
                    batch, promptSteps, Math.max(1, warmup)).get(0);
            ObjectNode row = rows.addObject();
            row.put("batch", batch);
            row.put("step_seconds_median", f.stepSeconds().median());
            row.putPOJO("step_seconds_samples", f.stepSeconds().samples());
            row.put("seconds_per_example", f.stepSeconds().median() / batch);
            print.accept(String.format("soft prompt on builtin:small, batch %d: %.4f s per step, %.5f s per example", batch,
                    f.stepSeconds().median(), f.stepSeconds().median() / batch));
        }
    }

    private void prompts(ObjectNode out, Consumer<String> print) throws java.io.IOException {
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
            print.accept(String.format("K=%-3d step %.4f s median, %.4f s per prompt (%.2fx one prompt alone)", f.prompts(),
                    f.stepSeconds().median(), f.perPromptSeconds(), alone / f.perPromptSeconds()));
        }
    }

    private void tuneSeeds(ObjectNode out, Consumer<String> print) throws Exception {
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
            print.accept(String.format("tune --seeds (%d seeds): %.1f s; %d separate tune processes: %.1f s; %.2fx", f.seeds(),
                    f.batchedSeconds(), f.seeds(), f.separateSeconds(), f.speedup()));
        } finally {
            dev.promptlab.tensor.AtomicFiles.deleteTree(work);
        }
    }

    /** {@code tasks} and a 40-step {@code tune} as fresh processes: start-up and everything outside training. */
    private void startup(ObjectNode out, Consumer<String> print) throws Exception {
        java.nio.file.Path work = java.nio.file.Files.createTempDirectory("promptlab-bench-startup");
        try {
            StartupBench.Figure f = StartupBench.run("builtin:small", "builtin:topic", 40, Math.max(1, warmup), runs, work);
            ObjectNode o = out.putObject("startup");
            o.put("setup", "fresh processes: promptlab tasks (task cache warm); tune --model builtin:small --task"
                    + " builtin:topic --steps " + f.steps() + " (medians)");
            o.put("tasks_seconds_median", f.tasks().median());
            o.putPOJO("tasks_seconds_samples", f.tasks().samples());
            o.put("tune_seconds_median", f.tuneWall().median());
            o.put("tune_training_seconds_median", f.tuneTraining().median());
            o.put("tune_outside_training_seconds_median", f.tuneOutside().median());
            o.putPOJO("tune_outside_training_seconds_samples", f.tuneOutside().samples());
            print.accept(String.format("promptlab tasks: %.2f s; tune --steps %d: %.2f s wall, %.2f s training, %.2f s outside"
                    + " training (medians)", f.tasks().median(), f.steps(), f.tuneWall().median(), f.tuneTraining().median(),
                    f.tuneOutside().median()));
        } finally {
            dev.promptlab.tensor.AtomicFiles.deleteTree(work);
        }
    }
}
