package dev.promptlab.study;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The results store of a waywardness run, {@code RUN/runs.jsonl}: one line per trained prompt,
 * each with the key of the cell that trained it ({@code "cell"}), in a {@link CellStore} (a
 * finished cell's lines reach the file together or not at all); {@code --resume} skips the cells
 * present.
 */
final class WaywardResults {
    static final String FILE = "runs.jsonl";

    private final CellStore store;

    private WaywardResults(CellStore store) {
        this.store = store;
    }

    /** The store in {@code dir}, with what an earlier (interrupted) run of it finished. */
    static WaywardResults open(Path dir) throws IOException {
        return new WaywardResults(CellStore.open(dir.resolve(FILE)));
    }

    /** Whether the cell with this key finished. */
    boolean finished(String cell) {
        return store.finished(cell);
    }

    /** Every stored row, in the order cells finished. */
    List<WaywardRow> rows() {
        return store.all().stream().map(WaywardRow::fromJson).toList();
    }

    /** Adds a finished cell's rows: all of them reach the file, or none. */
    void append(String cell, List<WaywardRow> cellRows) throws IOException {
        store.append(cell, cellRows.stream().map(WaywardRow::toJson).toList());
    }

    /** The rows of a finished cell (empty for an unfinished one). */
    List<WaywardRow> rowsOf(String cell) {
        return store.lines(cell).stream().map(WaywardRow::fromJson).toList();
    }
}
