package dev.promptlab.study;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Compares a resumed run's directory with an uninterrupted run's: the same files, each byte for
 * byte unless the caller says how a file may differ (its documented timings), which is then
 * compared without them.
 */
public final class RunFiles {
    private static final ObjectMapper JSON = new ObjectMapper();

    private RunFiles() {}

    /** How a file is compared: its content without what may differ, or null to compare every byte. */
    @FunctionalInterface
    public interface Normal {
        Object of(String name, byte[] content) throws IOException;
    }

    /** Relative path → bytes of every regular file under {@code root}; the lock file (its last holder's) left out. */
    public static Map<String, byte[]> contents(Path root) throws IOException {
        Map<String, byte[]> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.filter(Files::isRegularFile).filter(p -> !RunLock.isLockFile(p)).toList()) {
                out.put(root.relativize(p).toString(), Files.readAllBytes(p));
            }
        }
        return out;
    }

    /** {@code actual} holds {@code expected}'s files and no others, equal as {@code normal} says. */
    public static void assertSame(Path expected, Path actual, Normal normal) throws IOException {
        Map<String, byte[]> e = contents(expected);
        Map<String, byte[]> a = contents(actual);
        assertEquals(e.keySet(), a.keySet(), "the files of " + actual);
        for (String name : e.keySet()) {
            Object x = normal.of(name, e.get(name));
            if (x == null) {
                assertArrayEquals(e.get(name), a.get(name), name + " differs from the uninterrupted run's");
            } else {
                assertEquals(x, normal.of(name, a.get(name)), name + " differs from the uninterrupted run's");
            }
        }
    }

    /** A JSON document without the fields {@code names}, at any depth. */
    public static JsonNode jsonWithout(byte[] content, Collection<String> names) throws IOException {
        return without(JSON.readTree(content), names);
    }

    /** A JSONL file's lines without the fields {@code names}, at any depth. */
    public static String jsonlWithout(byte[] content, Collection<String> names) {
        return Arrays.stream(text(content).split("\n")).map(line -> {
            try {
                return without(JSON.readTree(line), names).toString();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }).collect(Collectors.joining("\n"));
    }

    public static String text(byte[] content) {
        return new String(content, StandardCharsets.UTF_8);
    }

    private static JsonNode without(JsonNode node, Collection<String> names) {
        if (node instanceof ObjectNode o) {
            o.remove(names);
            o.forEach(child -> without(child, names));
        } else if (node.isArray()) {
            node.forEach(child -> without(child, names));
        }
        return node;
    }
}
