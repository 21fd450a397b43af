package dev.promptlab.task;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
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
    private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    private JsonlReader() {}

    public static List<Example> read(Path file) {
        if (Files.isDirectory(file)) {
            throw new DataFormatException(file + ": is a directory, expected a JSONL file");
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new DataFormatException(file + ": no such file");
        } catch (AccessDeniedException e) {
            throw new DataFormatException(file + ": permission denied");
        } catch (IOException e) {
            throw new DataFormatException(file + ": cannot read (" + e.getMessage() + ")");
        }
        return parse(file.toString(), bytes);
    }

    /**
     * The examples of a JSONL file's bytes; {@code name} is what messages call the file. Throws
     * only {@link DataFormatException}.
     */
    public static List<Example> parse(String name, byte[] bytes) {
        List<Example> examples = new ArrayList<>();
        int start = startsWith(bytes, BOM) ? BOM.length : 0;
        int lineNo = 0;
        while (start < bytes.length) {
            int end = start;
            while (end < bytes.length && bytes[end] != '\n') {
                end++;
            }
            lineNo++;
            int stop = end > start && bytes[end - 1] == '\r' ? end - 1 : end; // CRLF
            String line = decode(name, lineNo, bytes, start, stop);
            if (!line.isBlank()) {
                examples.add(parseLine(name, lineNo, line));
            }
            start = end + 1;
        }
        if (examples.isEmpty()) {
            throw new DataFormatException(name + ": no examples (the file is empty; expected one JSON object per line"
                    + " like {\"input\": \"...\", \"output\": \"...\"})");
        }
        return examples;
    }

    private static String decode(String name, int lineNo, byte[] bytes, int from, int to) {
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes, from, to - from);
        try {
            return utf8.decode(in).toString();
        } catch (CharacterCodingException e) {
            // the decoder stops at the first bad byte: in.position() is its offset
            int at = in.position();
            throw new DataFormatException(name + ":" + lineNo + ": not valid UTF-8 (byte 0x"
                    + String.format("%02X", bytes[at] & 0xFF) + " at column " + (at - from + 1)
                    + "); save the file as UTF-8");
        }
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
            throw new DataFormatException(name + ":" + lineNo + ": malformed JSON: " + oneLine(e.getOriginalMessage())
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

    private static boolean startsWith(byte[] bytes, byte[] prefix) {
        if (bytes.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (bytes[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    /** Jackson's messages may span lines; an error is one line. */
    static String oneLine(String message) {
        return message == null ? "" : message.replaceAll("\\s*\\R\\s*", " ").trim();
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 37) + "...";
    }
}
