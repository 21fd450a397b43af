package dev.promptlab.task;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class JsonlReaderTest {
    @TempDir
    Path dir;

    private Path file(String content) throws IOException {
        Path p = dir.resolve("data.jsonl");
        Files.writeString(p, content);
        return p;
    }

    @Test
    void readsExamplesAndSkipsBlankLines() throws IOException {
        List<Example> ex = JsonlReader.read(file("{\"input\": \"a\", \"output\": \"b\"}\n\n{\"input\": \"c\", \"output\": \"d\", \"extra\": 1}\n"));
        assertEquals(List.of(new Example("a", "b"), new Example("c", "d")), ex);
    }

    @Test
    void malformedLineIsNamedByFileAndLine() throws IOException {
        Path p = file("{\"input\": \"a\", \"output\": \"b\"}\n{\"input\": \"a\", \"output\": \n");
        DataFormatException e = assertThrows(DataFormatException.class, () -> JsonlReader.read(p));
        assertTrue(e.getMessage().startsWith(p + ":2:"), e.getMessage());
        assertTrue(e.getMessage().contains("malformed JSON"), e.getMessage());
    }

    @Test
    void missingOrWrongFieldsAreNamed() throws IOException {
        Path p = file("{\"input\": \"a\"}\n");
        DataFormatException e = assertThrows(DataFormatException.class, () -> JsonlReader.read(p));
        assertTrue(e.getMessage().contains(":1:") && e.getMessage().contains("\"output\""), e.getMessage());
        Path q = file("{\"input\": 3, \"output\": \"x\"}\n");
        e = assertThrows(DataFormatException.class, () -> JsonlReader.read(q));
        assertTrue(e.getMessage().contains("must be a string"), e.getMessage());
    }

    @Test
    void emptyFileIsAnError() throws IOException {
        Path p = file("\n  \n");
        DataFormatException e = assertThrows(DataFormatException.class, () -> JsonlReader.read(p));
        assertTrue(e.getMessage().contains("empty"), e.getMessage());
        assertThrows(DataFormatException.class, () -> JsonlReader.read(dir.resolve("absent.jsonl")));
    }
}
