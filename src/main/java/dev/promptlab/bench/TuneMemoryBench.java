package dev.promptlab.bench;

import dev.promptlab.adapt.Adapters;
import dev.promptlab.adapt.MethodOptions;
import dev.promptlab.study.TuneSpec;
import dev.promptlab.study.Tuning;
import dev.promptlab.task.TaskSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Peak resident memory of tuning runs, each in a fresh JVM (a peak is a property of a process):
 * prompt tuning keeps the frozen model and activations, full tuning adds a gradient and two AdamW
 * moments per weight.
 */
public final class TuneMemoryBench {
    private TuneMemoryBench() {}

    /** One run's peak resident set (VmHWM) and wall time. */
    public record Figure(String method, long peakRssBytes, double seconds) {}

    /** Runs {@code tune} with each method on {@code model} and {@code task} for {@code steps} steps, one JVM each. */
    public static List<Figure> run(String model, String task, List<String> methods, int steps, Path work)
            throws IOException, InterruptedException {
        List<Figure> out = new ArrayList<>();
        for (String method : methods) {
            Path dir = work.resolve(method);
            List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                    "-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"), TuneMemoryBench.class.getName(),
                    model, task, method, Integer.toString(steps), dir.toString()));
            Files.createDirectories(work);
            Path log = work.resolve(method + ".log");
            long start = System.nanoTime();
            int code = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start().waitFor();
            double seconds = (System.nanoTime() - start) / 1e9;
            String text = Files.readString(log);
            if (code != 0 || !text.contains("peak_rss_bytes ")) {
                throw new IllegalStateException("tune --method " + method + " failed (exit " + code + "):\n" + text);
            }
            long peak = Long.parseLong(text.substring(text.lastIndexOf("peak_rss_bytes ") + 15).trim().split("\\s")[0]);
            out.add(new Figure(method, peak, seconds));
        }
        return out;
    }

    /** The child: one tuning run, then its peak resident set on stdout. */
    public static void main(String[] args) throws Exception {
        String method = args[2];
        TuneSpec spec = TuneSpec.builder().model(args[0]).data(TaskSource.builtin(args[1]))
                .method(Adapters.parse(method, MethodOptions.of(Map.of())))
                .learningRate(method.equals("full") ? 1e-4 : 0.03).steps(Integer.parseInt(args[3]))
                .checkpointEvery(0).out(Path.of(args[4])).build();
        Tuning.run(spec);
        System.out.println("peak_rss_bytes " + CheckpointBench.peakRss());
    }
}
