package dev.promptlab.study;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptlab.adapt.Adapter;
import dev.promptlab.adapt.TuningMethod;
import dev.promptlab.eval.ClassificationResult;
import dev.promptlab.model.LoadedModel;
import dev.promptlab.task.Task;
import dev.promptlab.tensor.AtomicFiles;
import dev.promptlab.train.Checkpoint;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * What a finished tune run leaves: the trained result ({@code adapter/} or {@code model/}),
 * {@code result.json} (written last: a run with it is complete) and, for several seeds,
 * {@code summary.json}.
 */
final class RunOutputs {
    private RunOutputs() {}

    /**
     * Saves seed {@code seed}'s adapter (or model) and writes result.json with its train accuracy:
     * {@code train}, measured already (several seeds' prompts are scored in shared batches), or
     * measured here when null (classification only).
     */
    static TuneResult.SeedRun finish(TuneSpec spec, Task task, LoadedModel loaded, Adapter adapter, long seed, Path dir,
            int steps, double finalLoss, ClassificationResult train) throws IOException {
        TuningMethod method = Tuning.method(spec);
        Path output = dir.resolve(method.outputName());
        method.save(adapter, loaded, output, ModelSource.name(spec.model()));
        double accuracy = Double.NaN;
        int n = 0;
        if (task.isClassification() && spec.trainAccuracyExamples() > 0) {
            if (train == null) {
                train = Tuning.trainAccuracy(loaded, List.of(adapter), task, spec.trainAccuracyExamples()).get(0);
            }
            accuracy = train.accuracy();
            n = train.n();
        }
        TuneResult.SeedRun run = new TuneResult.SeedRun(seed, dir, output, steps, finalLoss, accuracy, n,
                adapter.trainableCount());
        ObjectNode result = TuneRunConfig.JSON.createObjectNode();
        result.put("method", spec.method().method());
        result.put("seed", seed);
        result.put("steps", steps);
        result.put("final_loss", finalLoss);
        result.put("trainable_parameters", run.trainableParameters());
        if (run.hasTrainAccuracy()) {
            result.put("train_accuracy", accuracy);
            result.put("train_accuracy_n", n);
        }
        AtomicFiles.writeString(dir.resolve("result.json"), TuneRunConfig.JSON.writeValueAsString(result) + "\n");
        return run;
    }

    /** {@code out/summary.json}: per seed, and mean ± std over seeds, of the final loss and train accuracy. */
    static void writeSummary(TuneSpec spec, TuneResult result) throws IOException {
        ObjectNode s = TuneRunConfig.JSON.createObjectNode();
        s.put("method", spec.method().method());
        var seeds = s.putArray("seeds");
        for (TuneResult.SeedRun r : result.runs()) {
            ObjectNode row = seeds.addObject();
            row.put("seed", r.seed());
            row.put("dir", spec.out().relativize(r.dir()).toString());
            row.put("final_loss", r.finalLoss());
            if (r.hasTrainAccuracy()) {
                row.put("train_accuracy", r.trainAccuracy());
            }
        }
        spread(s.putObject("final_loss"), result.finalLoss());
        if (result.runs().get(0).hasTrainAccuracy()) {
            spread(s.putObject("train_accuracy"), result.trainAccuracy());
        }
        AtomicFiles.writeString(spec.out().resolve("summary.json"), TuneRunConfig.JSON.writeValueAsString(s) + "\n");
    }

    private static void spread(ObjectNode node, TuneResult.Spread spread) {
        node.put("mean", spread.mean());
        node.put("std", spread.std());
        node.put("n", spread.n());
    }

    /** Whether a seed's run finished (its result.json exists). */
    static boolean isComplete(Path dir) {
        return Files.isRegularFile(dir.resolve("result.json"));
    }

    /** A finished seed's result, read back from its result.json. */
    static TuneResult.SeedRun readResult(long seed, Path dir, TuningMethod method) throws IOException {
        JsonNode r = TuneRunConfig.JSON.readTree(dir.resolve("result.json").toFile());
        return new TuneResult.SeedRun(seed, dir, dir.resolve(method.outputName()), r.path("steps").asInt(),
                r.path("final_loss").asDouble(), r.path("train_accuracy").asDouble(Double.NaN),
                r.path("train_accuracy_n").asInt(0), r.path("trainable_parameters").asLong());
    }

    /** Whether anything under {@code out} can be resumed (its own or any seed's checkpoint). */
    static boolean hasCheckpoint(Path out) {
        if (Checkpoint.exists(out.resolve("checkpoint"))) {
            return true;
        }
        if (!Files.isDirectory(out)) {
            return false;
        }
        try (Stream<Path> s = Files.list(out)) {
            return s.anyMatch(d -> d.getFileName().toString().startsWith("seed-") && Checkpoint.exists(d.resolve("checkpoint")));
        } catch (IOException e) {
            return true; // cannot tell: keep what is there
        }
    }
}
