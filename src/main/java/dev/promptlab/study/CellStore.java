package dev.promptlab.study;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptlab.tensor.AtomicFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A study's results store, one JSONL file: a line per result, each with the key of the cell that
 * produced it ({@code "cell"}). A finished cell adds all its lines in one atomic replacement of
 * the file (the old file stays whole until the new one is complete), so a crash leaves every cell
 * either wholly present or absent and the file is never partial; a resumed study skips the cells
 * present. What a cell is, is the study's choice (the waywardness study's are multi-prompt
 * batches, the Bayesian study's single methods). Rewriting the whole file costs its size per cell,
 * which is small next to a cell's training.
 */
final class CellStore {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file; // null: a store kept in memory alone
    private final StringBuilder content = new StringBuilder();
    private final Map<String, List<ObjectNode>> byCell = new LinkedHashMap<>();

    private CellStore(Path file) {
        this.file = file;
    }

    /** A store that writes nothing (a study run without a directory). */
    static CellStore inMemory() {
        return new CellStore(null);
    }

    /** The store in {@code file}, with the cells an earlier (interrupted) run finished; a line that is not a result fails. */
    static CellStore open(Path file) throws IOException {
        CellStore store = new CellStore(file);
        if (!Files.exists(file)) {
            return store;
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            JsonNode line;
            try {
                line = JSON.readTree(lines.get(i));
            } catch (IOException e) {
                throw new IllegalArgumentException(file + " line " + (i + 1) + " is not JSON: " + e.getMessage());
            }
            if (!(line instanceof ObjectNode o) || !o.path("cell").isTextual()) {
                throw new IllegalArgumentException(file + " line " + (i + 1) + " has no \"cell\" key");
            }
            store.byCell.computeIfAbsent(o.get("cell").asText(), c -> new ArrayList<>()).add(o);
            store.content.append(lines.get(i)).append('\n');
        }
        return store;
    }

    /** Whether the cell with this key finished. */
    boolean finished(String cell) {
        return byCell.containsKey(cell);
    }

    /** The lines of a finished cell, {@code "cell"} included (empty for an unfinished one). */
    List<ObjectNode> lines(String cell) {
        return List.copyOf(byCell.getOrDefault(cell, List.of()));
    }

    /** Every line, in the order the cells finished. */
    List<ObjectNode> all() {
        List<ObjectNode> out = new ArrayList<>();
        byCell.values().forEach(out::addAll);
        return out;
    }

    /** Adds a finished cell's lines, each given {@code "cell"} as its first field: all of them reach the file, or none. */
    void append(String cell, List<ObjectNode> cellLines) throws IOException {
        if (byCell.containsKey(cell)) {
            throw new IllegalStateException("cell " + cell + " is already stored");
        }
        StringBuilder added = new StringBuilder();
        List<ObjectNode> stored = new ArrayList<>();
        for (ObjectNode l : cellLines) {
            ObjectNode line = JSON.createObjectNode();
            line.put("cell", cell);
            line.setAll(l);
            stored.add(line);
            added.append(JSON.writeValueAsString(line)).append('\n');
        }
        if (file != null) {
            AtomicFiles.writeString(file, content + added.toString());
        }
        content.append(added);
        byCell.put(cell, stored);
    }
}
