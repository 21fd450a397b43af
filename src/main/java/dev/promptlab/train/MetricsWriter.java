package dev.promptlab.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Appends one JSON line per {@code every} steps to {@code metrics.jsonl}: step, loss (mean over
 * the steps since the last line), learning rate, gradient norm, seconds per step (of the whole
 * batch, for a prompt of a multi-prompt batch). On resume,
 * lines after the checkpoint's step are dropped so the file never holds a step twice.
 */
public final class MetricsWriter implements TrainListener {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path file;
    private final int every;
    private final int prompt;
    private BufferedWriter out;
    private double lossSum;
    private double secondsSum;
    private int count;

    public MetricsWriter(Path file, int every) {
        this(file, every, -1);
    }

    /**
     * The lines of prompt {@code prompt} of a multi-prompt batch: its own loss and gradient norm,
     * as a run of its own would write them (-1: the batch's).
     */
    public MetricsWriter(Path file, int every, int prompt) {
        this.file = file;
        this.every = every;
        this.prompt = prompt;
    }

    @Override
    public void onStart(int startStep, int totalSteps) {
        try {
            if (Files.exists(file)) {
                List<String> kept = Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                        .filter(line -> !line.isBlank() && stepOf(line) <= startStep).collect(Collectors.toList());
                // rewritten whole or not at all: a kill here must not cut the file
                dev.promptlab.tensor.AtomicFiles.writeString(file, kept.isEmpty() ? "" : String.join("\n", kept) + "\n");
            }
            out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int stepOf(String line) {
        try {
            return JSON.readTree(line).path("step").asInt(Integer.MAX_VALUE);
        } catch (IOException e) {
            return Integer.MAX_VALUE;
        }
    }

    @Override
    public void onStep(StepInfo info, Trainer trainer) {
        lossSum += prompt < 0 ? info.loss() : info.promptLoss(prompt);
        secondsSum += info.seconds();
        count++;
        if (info.step() % every != 0 && info.step() != info.totalSteps()) {
            return;
        }
        ObjectNode row = JSON.createObjectNode();
        row.put("step", info.step());
        row.put("loss", lossSum / count);
        row.put("lr", info.learningRate());
        row.put("grad_norm", prompt < 0 ? info.gradNorm() : info.promptGradNorm(prompt));
        row.put("seconds_per_step", secondsSum / count);
        try {
            out.write(JSON.writeValueAsString(row));
            out.newLine();
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        lossSum = 0;
        secondsSum = 0;
        count = 0;
    }

    @Override
    public void onEnd(Trainer trainer) {
        try {
            if (out != null) {
                out.close();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
