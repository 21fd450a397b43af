package dev.promptlab.study;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The study's results store, {@code RUN/cells.jsonl}: one JSON object per finished cell, appended
 * (and flushed) when the cell ends, so a crashed or stopped study resumes with the cells it has and
 * re-runs only the unfinished ones. A cell is identified by its {@link #key}; a half-written last
 * line (a crash while appending) is ignored. Kinds: {@code run} (a method at a k and a P, every
 * seed), {@code similarity} (per test input, the cosine of its nearest training example) and
 * {@code transfer} (a task's PT prompts with another task's demonstrations).
 */
final class IclResults {
    static final String FILE = "cells.jsonl";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final Map<String, ObjectNode> cells = new LinkedHashMap<>();

    private IclResults(Path file) {
        this.file = file;
    }

    /** The store of run directory {@code dir}, with the cells already in it (none for a new run). */
    static IclResults open(Path dir) throws IOException {
        IclResults r = new IclResults(dir.resolve(FILE));
        if (Files.isRegularFile(r.file)) {
            for (String line : Files.readAllLines(r.file, StandardCharsets.UTF_8)) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode n;
                try {
                    n = JSON.readTree(line);
                } catch (IOException e) {
                    continue; // the line a crash cut short: that cell runs again
                }
                if (n instanceof ObjectNode o && o.has("key")) {
                    r.cells.put(o.get("key").asText(), o);
                }
            }
        }
        return r;
    }

    /** The identity of a cell. */
    static String key(String kind, String model, String task, String method, int shots, int promptLength) {
        return kind + "|" + model + "|" + task + "|" + method + "|k" + shots + "|p" + promptLength;
    }

    /** A new cell record with its identity filled in (not stored until {@link #add}). */
    static ObjectNode cell(String kind, String model, String task, String method, int shots, int promptLength) {
        ObjectNode o = JSON.createObjectNode();
        o.put("key", key(kind, model, task, method, shots, promptLength));
        o.put("kind", kind);
        o.put("model", model);
        o.put("task", task);
        o.put("method", method);
        o.put("shots", shots);
        o.put("prompt_length", promptLength);
        return o;
    }

    boolean has(String key) {
        return cells.containsKey(key);
    }

    ObjectNode get(String key) {
        return cells.get(key);
    }

    /** Every cell, in the order they finished. */
    List<ObjectNode> all() {
        return new ArrayList<>(cells.values());
    }

    /** Stores a finished cell: appended to the file at once. */
    void add(ObjectNode cell) throws IOException {
        String line = JSON.writeValueAsString(cell) + "\n";
        Files.writeString(file, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                StandardOpenOption.SYNC);
        cells.put(cell.get("key").asText(), cell);
    }
}
