package dev.promptlab.cli;

import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/** Reads a plain-text corpus: non-blank lines of UTF-8 text. */
final class Corpus {
    private Corpus() {}

    static List<String> lines(Path file) throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank())
                    .collect(Collectors.toList());
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(file + ": no such corpus file");
        } catch (MalformedInputException e) {
            throw new IllegalArgumentException(file + ": corpus is not valid UTF-8 text");
        }
        if (lines.isEmpty()) {
            throw new IllegalArgumentException(file + ": corpus is empty");
        }
        return lines;
    }
}
