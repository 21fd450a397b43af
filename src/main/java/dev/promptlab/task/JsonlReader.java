package dev.promptlab.task;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.promptlab.tensor.JsonErrors;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a JSONL dataset: one JSON object per line with string fields {@code input} and
 * {@code output}. What editors and other tools write is read as the same data: a UTF-8
 * byte-order mark, CRLF line ends and blank (or whitespace-only) lines are ignored. Every problem
 * is reported with the file and the 1-based line number (invalid UTF-8 also with the byte's
 * column), and nothing is returned unless the whole file is valid.
 */
public final class JsonlReader {
    /** Strict: a second value or a repeated key on a line is an error, not silently dropped. */
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private JsonlReader() {}

    public static List<Example> read(Path file) {
        return parse(file.toString(), TextLines.bytes(file, "JSONL file"));
    }

    /**
     * The examples of a JSONL file's bytes; {@code name} is what messages call the file. Throws
     * only {@link DataFormatException}.
     */
    public static List<Example> parse(String name, byte[] bytes) {
        List<Example> examples = new ArrayList<>();
        for (TextLines.Line line : TextLines.split(name, bytes)) {
            if (!line.text().isBlank()) {
                examples.add(parseLine(name, line.number(), line.text()));
            }
        }
        if (examples.isEmpty()) {
            throw new DataFormatException(name + ": no examples (the file is empty; expected one JSON object per line"
                    + " like {\"input\": \"...\", \"output\": \"...\"})");
        }
        return examples;
    }

    private static Example parseLine(String name, int lineNo, String line) {
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            if (String.valueOf(e.getOriginalMessage()).startsWith("Trailing token")) {
                throw new DataFormatException(name + ":" + lineNo + ": more than one JSON value on the line (expected"
                        + " exactly one object per line like {\"input\": \"...\", \"output\": \"...\"})");
            }
            throw new DataFormatException(name + ":" + lineNo + ": malformed JSON: " + JsonErrors.oneLine(e.getOriginalMessage())
                    + " (expected one object per line like {\"input\": \"...\", \"output\": \"...\"})");
        }
        if (node == null || !node.isObject()) {
            throw new DataFormatException(name + ":" + lineNo + ": expected a JSON object with \"input\" and \"output\","
                    + " got " + (node == null ? "nothing" : node.getNodeType().name().toLowerCase()));
        }
        return new Example(field(name, lineNo, node, "input"), field(name, lineNo, node, "output"));
    }

    private static String field(String name, int lineNo, JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            throw new DataFormatException(name + ":" + lineNo + ": missing field \"" + field + "\" (each line needs"
                    + " string fields \"input\" and \"output\")");
        }
        if (!v.isTextual()) {
            throw new DataFormatException(name + ":" + lineNo + ": field \"" + field + "\" must be a string, got "
                    + v.getNodeType().name().toLowerCase() + " " + abbreviate(v.toString()));
        }
        return v.asText();
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 37) + "...";
    }
}
