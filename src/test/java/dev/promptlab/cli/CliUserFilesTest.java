package dev.promptlab.cli;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * JSONL files as users' editors and tools write them (a UTF-8 byte-order mark, CRLF line ends,
 * blank and whitespace-only lines) are read as the same data: {@code tune} on each trains
 * byte for byte the adapter it trains on the plain file.
 */
class CliUserFilesTest {
    private static final List<String> LINES = List.of(
            "{\"input\": \"i saw the cat today\", \"output\": \"yes\"}",
            "{\"input\": \"i like the bread\", \"output\": \"no\"}",
            "{\"input\": \"look at that dog\", \"output\": \"yes\"}",
            "{\"input\": \"there is a cake here\", \"output\": \"no\"}");
    @TempDir
    static Path dir;
    static Path model;
    static Path plainRun;

    @BeforeAll
    static void plainRun() throws IOException {
        model = SyntheticText.initTinyModel(dir, 32);
        Path plain = write("plain.jsonl", String.join("\n", LINES) + "\n");
        plainRun = dir.resolve("run-plain");
        CliRunner.Result r = tune(plain, plainRun);
        assertEquals(0, r.exitCode(), r.toString());
    }

    private static CliRunner.Result tune(Path data, Path out) {
        return CliRunner.run("tune", "--model", model.toString(), "--train", data.toString(), "--steps", "3",
                "--batch-size", "2", "--prompt-length", "2", "--quiet", "--out", out.toString());
    }

    private static Path write(String name, String text) throws IOException {
        return write(name, text.getBytes(StandardCharsets.UTF_8));
    }

    private static Path write(String name, byte[] bytes) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    /** The file's bytes for each variant: what it does to the plain file. */
    private static byte[] variant(String kind) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        switch (kind) {
            case "bom" -> {
                out.write(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
                out.write((String.join("\n", LINES) + "\n").getBytes(StandardCharsets.UTF_8));
            }
            case "crlf" -> out.write((String.join("\r\n", LINES) + "\r\n").getBytes(StandardCharsets.UTF_8));
            case "blank-lines" -> out.write(("\n  \n" + LINES.get(0) + "\n\n" + LINES.get(1) + "\n\t\n" + LINES.get(2)
                    + "\n \r\n" + LINES.get(3) + "\n\n\n").getBytes(StandardCharsets.UTF_8));
            case "all-three-no-final-newline" -> {
                out.write(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
                out.write(("\r\n" + String.join("\r\n\r\n", LINES)).getBytes(StandardCharsets.UTF_8));
            }
            default -> throw new IllegalArgumentException(kind);
        }
        return out.toByteArray();
    }

    @ParameterizedTest
    @ValueSource(strings = {"bom", "crlf", "blank-lines", "all-three-no-final-newline"})
    void readsAsTheSameData(String kind) throws IOException {
        Path data = write(kind + ".jsonl", variant(kind));
        Path run = dir.resolve("run-" + kind);
        CliRunner.Result r = tune(data, run);
        assertEquals(0, r.exitCode(), r.toString());
        for (String file : List.of("adapter/adapter_model.safetensors", "result.json", "metrics.jsonl")) {
            byte[] expected = Files.readAllBytes(plainRun.resolve(file));
            byte[] actual = Files.readAllBytes(run.resolve(file));
            if (file.equals("metrics.jsonl")) { // seconds per step differ from run to run; the rest may not
                assertEquals(withoutTimes(expected), withoutTimes(actual), kind + ": " + file);
            } else {
                assertArrayEquals(expected, actual, kind + ": " + file + " differs from the plain file's run");
            }
        }
        assertEquals(List.of("yes", "no"), labels(run), kind);
    }

    private static String withoutTimes(byte[] metrics) {
        return new String(metrics, StandardCharsets.UTF_8).replaceAll(",\"seconds_per_step\":[0-9.Ee-]+", "");
    }

    private static List<String> labels(Path run) throws IOException {
        var labels = Json.MAPPER.readTree(run.resolve("config.json").toFile()).get("labels");
        return List.of(labels.get(0).asText(), labels.get(1).asText());
    }
}
