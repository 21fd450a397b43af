package dev.promptlab.analysis;

import dev.promptlab.task.DataFormatException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A user's targets file: UTF-8, one target text per line. Every line counts, so a blank line is
 * an error (it is either a mistake or a target that could never be trained towards), as is a
 * line given twice (results are keyed by the text) and a file with no lines.
 */
final class TargetFile {
    private TargetFile() {}

    /** One line: its text and its 1-based number. */
    record Line(String text, int number) {}

    /** The lines of {@code file}, each a target. */
    static List<Line> read(Path file) {
        if (!Files.exists(file)) {
            throw new IllegalArgumentException("targets file " + file + " does not exist");
        }
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("targets file " + file + " is not a regular file");
        }
        List<String> raw;
        try {
            raw = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (CharacterCodingException e) {
            throw new DataFormatException("targets file " + file + " is not valid UTF-8");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read targets file " + file + ": " + e.getMessage(), e);
        }
        if (raw.isEmpty()) {
            throw new DataFormatException("targets file " + file + " is empty; expected one target text per line");
        }
        Map<String, Integer> seen = new HashMap<>();
        List<Line> lines = new java.util.ArrayList<>(raw.size());
        for (int i = 0; i < raw.size(); i++) {
            String text = i == 0 && raw.get(0).startsWith("\uFEFF") ? raw.get(0).substring(1) : raw.get(i);
            int number = i + 1;
            if (text.isBlank()) {
                throw new DataFormatException("targets file " + file + " line " + number
                        + " is blank; every line is one target text (remove blank lines)");
            }
            Integer before = seen.putIfAbsent(text.strip(), number);
            if (before != null) {
                throw new DataFormatException("targets file " + file + " line " + number + " repeats line " + before
                        + " (\"" + text.strip() + "\"); each target text may appear once");
            }
            lines.add(new Line(text.strip(), number));
        }
        return lines;
    }
}
