package dev.promptlab.tokenize;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.promptlab.tensor.AtomicFiles;
import dev.promptlab.tensor.JsonErrors;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Small helpers for reading and writing Hugging Face {@code tokenizer.json} and the JSON side
 * files of a model directory. Package-private: the file format is an implementation detail of
 * the tokenizers in this package.
 */
final class TokenizerJson {
    static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private TokenizerJson() {}

    /** Parses a JSON file, or fails with an {@link IllegalArgumentException} naming the file. */
    static JsonNode read(Path file) {
        try {
            return MAPPER.readTree(file.toFile());
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(file + ": no such file", e);
        } catch (IOException e) {
            // a user's file: say which, and what is wrong with it (exit 2, not a crash)
            throw new IllegalArgumentException(file + ": not valid JSON: " + JsonErrors.describe(e), e);
        }
    }

    /**
     * Refuses JSON that Jackson reads but the Rust tokenizers library's parser (serde_json) does
     * not, which the library (0.21) meets inside its decoder and normalizer sections with a panic
     * that aborts the JVM (found by fuzzing): strings or keys holding an unpaired UTF-16 surrogate
     * (an escape like \ud800 alone) and numbers beyond a double's range.
     */
    static void requireStrictJson(JsonNode node, Path file) {
        if (node.isTextual()) {
            requireWholeUnicode(node.asText(), file);
        } else if (node.isNumber() && !node.isIntegralNumber() && !Double.isFinite(node.asDouble())
                || node.isBigInteger() && !Double.isFinite(node.bigIntegerValue().doubleValue())) {
            throw new IllegalArgumentException(file + ": the number " + node + " is out of range");
        } else if (node.isContainerNode()) {
            for (var it = node.fields(); it.hasNext(); ) {
                var e = it.next();
                requireWholeUnicode(e.getKey(), file);
            }
            for (JsonNode child : node) {
                requireStrictJson(child, file);
            }
        }
    }

    private static void requireWholeUnicode(String s, Path file) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean paired = Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
            if (paired) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new IllegalArgumentException(file + ": a string holds an unpaired UTF-16 surrogate (\\u"
                        + String.format("%04x", (int) c) + "), which is not Unicode text");
            }
        }
    }

    /** Parses a JSON file if it exists, else returns null. */
    static JsonNode readIfExists(Path file) {
        return Files.isRegularFile(file) ? read(file) : null;
    }

    /** Writes {@code node} atomically (temp file + rename) as indented UTF-8 JSON. */
    static void write(Path file, JsonNode node) {
        try {
            AtomicFiles.write(file, out -> MAPPER.writeValue(new NonClosing(out), node));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    static String toJson(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One entry of {@code added_tokens}, with every flag written out so any reader accepts it. */
    static ObjectNode addedToken(int id, String content, boolean special, boolean normalized) {
        ObjectNode t = MAPPER.createObjectNode();
        t.put("id", id);
        t.put("content", content);
        t.put("single_word", false);
        t.put("lstrip", false);
        t.put("rstrip", false);
        t.put("normalized", normalized);
        t.put("special", special);
        return t;
    }

    /** The fields every tokenizer.json starts with, in the order the Rust library writes them. */
    static ObjectNode skeleton(ArrayNode addedTokens) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        root.set("added_tokens", addedTokens);
        return root;
    }

    /**
     * A token setting of {@code tokenizer_config.json}: either a plain string or an AddedToken
     * object with {@code content}; null when absent or JSON null.
     */
    static String tokenContent(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isTextual()) {
            return node.asText();
        }
        JsonNode content = node.get("content");
        return content != null && content.isTextual() ? content.asText() : null;
    }

    /** Jackson closes the stream it writes to; AtomicFiles owns it, so shield it. */
    private static final class NonClosing extends java.io.FilterOutputStream {
        NonClosing(java.io.OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
