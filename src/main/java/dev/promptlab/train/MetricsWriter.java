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
 * the steps since the last line), learning rate, gradient norm, seconds per step. On resume,
 * lines after the checkpoint's step are dropped so the file never holds a step twice.
 */
public final class MetricsWriter implements TrainListener {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path file;
    private final int every;
    private BufferedWriter out;
    private double lossSum;
    private double secondsSum;
    private int count;

    public MetricsWriter(Path file, int every) {
        this.file = file;
        this.every = every;
    }

    @Override
    public void onStart(int startStep, int totalSteps) {
        try {
            if (Files.exists(file)) {
                List<String> kept = Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                        .filter(line -> !line.isBlank() && stepOf(line) <= startStep).collect(Collectors.toList());
                Files.write(file, kept, StandardCharsets.UTF_8);
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
        lossSum += info.loss();
        secondsSum += info.seconds();
        count++;
        if (info.step() % every != 0 && info.step() != info.totalSteps()) {
            return;
        }
        ObjectNode row = JSON.createObjectNode();
        row.put("step", info.step());
        row.put("loss", lossSum / count);
        row.put("lr", info.learningRate());
        row.put("grad_norm", info.gradNorm());
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
