package dev.promptlab.task;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a JSONL dataset: one JSON object per line with string fields {@code input} and
 * {@code output}; blank lines are skipped. Every problem is reported with the file and the
 * 1-based line number, and nothing is returned unless the whole file is valid.
 */
public final class JsonlReader {
    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonlReader() {}

    public static List<Example> read(Path file) {
        List<Example> examples = new ArrayList<>();
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int lineNo = 0;
            while ((line = reader.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                examples.add(parse(file, lineNo, line));
            }
        } catch (NoSuchFileException e) {
            throw new DataFormatException(file + ": no such file");
        } catch (java.nio.charset.MalformedInputException e) {
            throw new DataFormatException(file + ": not valid UTF-8 text");
        } catch (IOException e) {
            throw new DataFormatException(file + ": cannot read: " + e.getMessage());
        }
        if (examples.isEmpty()) {
            throw new DataFormatException(file + ": no examples (the file is empty; expected one JSON object per line"
                    + " like {\"input\": \"...\", \"output\": \"...\"})");
        }
        return examples;
    }

    private static Example parse(Path file, int lineNo, String line) {
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw new DataFormatException(file + ":" + lineNo + ": malformed JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw new DataFormatException(file + ":" + lineNo + ": expected a JSON object with \"input\" and \"output\"");
        }
        return new Example(field(file, lineNo, node, "input"), field(file, lineNo, node, "output"));
    }

    private static String field(Path file, int lineNo, JsonNode node, String name) {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            throw new DataFormatException(file + ":" + lineNo + ": missing field \"" + name + "\"");
        }
        if (!v.isTextual()) {
            throw new DataFormatException(file + ":" + lineNo + ": field \"" + name + "\" must be a string, got "
                    + v.getNodeType().name().toLowerCase());
        }
        return v.asText();
    }
}
