package dev.promptlab.bench;

import dev.promptlab.adapt.Adapter;
import dev.promptlab.adapt.SoftPromptConfig;
import dev.promptlab.model.LanguageModel;
import dev.promptlab.model.LoadedModel;
import dev.promptlab.study.ModelSource;
import dev.promptlab.task.EncodedExample;
import dev.promptlab.task.Encoder;
import dev.promptlab.task.Task;
import dev.promptlab.task.TaskSource;
import dev.promptlab.task.builtin.wordnet.Split;
import dev.promptlab.tensor.Rng;
import dev.promptlab.train.AdapterObjective;
import dev.promptlab.train.ExampleSampler;
import dev.promptlab.train.PromptBatch;
import dev.promptlab.train.TrainConfig;
import dev.promptlab.train.Trainer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What multi-prompt batching buys: the per-prompt step time of K soft prompts trained in one
 * batch against one prompt alone, and the wall time of one {@code tune --seeds} process against
 * as many separate {@code tune} processes.
 */
public final class PromptBatchBench {
    private PromptBatchBench() {}

    /** Seconds per step of K prompts in one batch (median after warm-up), and per prompt. */
    public record StepFigure(int prompts, Benchmarks.Timing stepSeconds) {
        public double perPromptSeconds() {
            return stepSeconds.median() / prompts;
        }
    }

    /**
     * Soft prompts of length {@code promptLength} on {@code model} for {@code task}'s training
     * examples, {@code batch} examples per prompt per step; one figure per K (K = 1 trains one
     * prompt alone, as {@code tune} does).
     */
    public static List<StepFigure> stepTimes(String model, String task, List<Integer> ks, int promptLength, int batch,
            int steps, int warmup) throws IOException {
        List<StepFigure> out = new ArrayList<>();
        try (LoadedModel loaded = ModelSource.load(model)) {
            LanguageModel lm = loaded.model();
            Task t = TaskSource.builtin(task).load(Split.TRAIN, null).task();
            SoftPromptConfig config = new SoftPromptConfig(promptLength, SoftPromptConfig.Init.SAMPLE_VOCAB, null);
            List<EncodedExample> examples = new Encoder(loaded.tokenizer(), t.template()).encodeAll(t.examples(),
                    !t.isClassification(), promptLength, lm.config().contextLength(), task);
            int pad = Math.max(0, loaded.tokenizer().padId());
            TrainConfig train = new TrainConfig(warmup + steps, batch, 0.03, 0, 0, 1.0, 0, 1, 0);
            for (int k : ks) {
                List<Adapter> prompts = new ArrayList<>();
                List<Double> seconds = new ArrayList<>();
                try {
                    Trainer trainer;
                    if (k == 1) {
                        Adapter one = config.create(lm, loaded.tokenizer(), new Rng(1));
                        prompts.add(one);
                        trainer = new Trainer(train, one.parameters(), new AdapterObjective(lm, one),
                                new ExampleSampler(examples, batch, pad, 2), lm.manager());
                    } else {
                        List<PromptBatch.Member> members = new ArrayList<>();
                        for (int i = 0; i < k; i++) {
                            Adapter p = config.create(lm, loaded.tokenizer(), new Rng(1 + i));
                            prompts.add(p);
                            members.add(new PromptBatch.Member(p, 2 + i, null));
                        }
                        trainer = new PromptBatch(lm, members, examples, pad, train).trainer(); // closed below
                    }
                    trainer.addListener((info, tr) -> {
                        if (info.step() > warmup) {
                            seconds.add(info.seconds());
                        }
                    });
                    trainer.run();
                    trainer.close();
                } finally {
                    prompts.forEach(Adapter::close);
                }
                out.add(new StepFigure(k, Benchmarks.Timing.of(seconds)));
            }
        }
        return out;
    }

    /** Wall seconds of one {@code tune --seeds} run with N seeds and of N separate single-seed runs (one after another). */
    public record ProcessFigure(int seeds, double batchedSeconds, double separateSeconds) {
        public double speedup() {
            return separateSeconds / batchedSeconds;
        }
    }

    /**
     * Runs promptlab's own command line as child processes (this JVM's class path): {@code tune
     * --seeds 1..N} once, then {@code tune --seed s} for each seed, each into a fresh directory
     * under {@code work}.
     */
    public static ProcessFigure tuneProcesses(String model, String task, int seeds, int steps, Path work)
            throws IOException, InterruptedException {
        List<String> base = List.of("tune", "--model", model, "--task", task, "--method", "soft-prompt", "--prompt-length",
                "10", "--steps", Integer.toString(steps), "--quiet");
        StringBuilder list = new StringBuilder();
        for (int s = 1; s <= seeds; s++) {
            list.append(s == 1 ? "" : ",").append(s);
        }
        List<String> batched = new ArrayList<>(base);
        batched.addAll(List.of("--seeds", list.toString(), "--out", work.resolve("batched").toString()));
        double batchedSeconds = runChild(batched, work);
        double separate = 0;
        for (int s = 1; s <= seeds; s++) {
            List<String> one = new ArrayList<>(base);
            one.addAll(List.of("--seed", Integer.toString(s), "--out", work.resolve("seed-" + s).toString()));
            separate += runChild(one, work);
        }
        return new ProcessFigure(seeds, batchedSeconds, separate);
    }

    static double runChild(List<String> args, Path work) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"), "dev.promptlab.cli.Main"));
        for (String p : List.of("ai.djl.pytorch.num_threads", "ai.djl.pytorch.num_interop_threads")) {
            if (System.getProperty(p) != null) {
                cmd.add(3, "-D" + p + "=" + System.getProperty(p));
            }
        }
        cmd.addAll(args);
        Files.createDirectories(work);
        long start = System.nanoTime();
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(work.resolve("child.log").toFile())
                .start();
        int code = p.waitFor();
        double seconds = (System.nanoTime() - start) / 1e9;
        if (code != 0) {
            throw new IllegalStateException("child run failed (exit " + code + "): " + String.join(" ", args) + "\n"
                    + Files.readString(work.resolve("child.log")));
        }
        return seconds;
    }
}
