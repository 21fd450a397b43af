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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The results store of a waywardness run, {@code RUN/runs.jsonl}: one line per trained prompt,
 * each with the key of the cell that trained it ({@code "cell"}). A finished cell adds all its
 * lines in one atomic replacement of the file (the old file stays whole until the new one is
 * complete), so a crash leaves every cell either wholly present or absent, never a partial row;
 * {@code --resume} skips the cells present.
 */
final class WaywardResults {
    static final String FILE = "runs.jsonl";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final StringBuilder content = new StringBuilder();
    private final Set<String> cells = new LinkedHashSet<>();
    private final List<WaywardRow> rows = new ArrayList<>();
    private final Map<String, List<WaywardRow>> byCell = new LinkedHashMap<>();

    private WaywardResults(Path file) {
        this.file = file;
    }

    /** The store in {@code dir}, with what an earlier (interrupted) run of it finished. */
    static WaywardResults open(Path dir) throws IOException {
        WaywardResults store = new WaywardResults(dir.resolve(FILE));
        if (!Files.exists(store.file)) {
            return store;
        }
        List<String> lines = Files.readAllLines(store.file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            JsonNode line;
            try {
                line = JSON.readTree(lines.get(i));
            } catch (IOException e) {
                throw new IllegalArgumentException(store.file + " line " + (i + 1) + " is not JSON: " + e.getMessage());
            }
            if (!line.path("cell").isTextual()) {
                throw new IllegalArgumentException(store.file + " line " + (i + 1) + " has no \"cell\" key");
            }
            store.add(line.get("cell").asText(), List.of(WaywardRow.fromJson(line)));
            store.content.append(lines.get(i)).append('\n');
        }
        return store;
    }

    /** Whether the cell with this key finished. */
    boolean finished(String cell) {
        return cells.contains(cell);
    }

    /** Every stored row, in the order cells finished. */
    List<WaywardRow> rows() {
        return List.copyOf(rows);
    }

    /** Adds a finished cell's rows: all of them reach the file, or none. */
    void append(String cell, List<WaywardRow> cellRows) throws IOException {
        if (cells.contains(cell)) {
            throw new IllegalStateException("cell " + cell + " is already stored");
        }
        StringBuilder added = new StringBuilder();
        for (WaywardRow r : cellRows) {
            ObjectNode line = JSON.createObjectNode();
            line.put("cell", cell);
            line.setAll(r.toJson());
            added.append(JSON.writeValueAsString(line)).append('\n');
        }
        AtomicFiles.writeString(file, content + added.toString());
        content.append(added);
        add(cell, cellRows);
    }

    /** The rows of a finished cell (empty for an unfinished one). */
    List<WaywardRow> rowsOf(String cell) {
        return List.copyOf(byCell.getOrDefault(cell, List.of()));
    }

    private void add(String cell, List<WaywardRow> cellRows) {
        cells.add(cell);
        rows.addAll(cellRows);
        byCell.computeIfAbsent(cell, c -> new ArrayList<>()).addAll(cellRows);
    }
}
