package dev.promptlab.task;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A plain-text corpus: the non-blank lines of a UTF-8 file (a byte-order mark and CRLF line ends
 * are read as plain UTF-8 and LF; invalid UTF-8 names the line).
 */
public final class Corpus {
    private Corpus() {}

    /** The non-blank lines; an empty corpus or a file that cannot be read is a {@link DataFormatException}. */
    public static List<String> lines(Path file) {
        List<String> lines = new ArrayList<>();
        for (TextLines.Line line : TextLines.split(file.toString(), TextLines.bytes(file, "corpus file"))) {
            if (!line.text().isBlank()) {
                lines.add(line.text());
            }
        }
        if (lines.isEmpty()) {
            throw new DataFormatException(file + ": corpus is empty (expected UTF-8 text, one document or sentence"
                    + " per line)");
        }
        return lines;
    }
}
