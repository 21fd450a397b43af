package dev.promptlab.cli;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** Every kind of bad input fails with exit code 2, a message naming the problem, and no run directory. */
class CliBadInputTest {
    @TempDir
    static Path shared;
    static Path model;
    @TempDir
    Path dir;

    @BeforeAll
    static void tinyModel() throws IOException {
        model = SyntheticText.initTinyModel(shared, 16);
    }

    private Path file(String name, String content) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, content);
        return p;
    }

    private void assertRefused(Path data, String expectedInMessage, String... extra) {
        Path run = dir.resolve("run");
        String[] base = {"tune", "--model", model.toString(), "--train", data.toString(), "--steps", "5", "--quiet",
                "--out", run.toString()};
        String[] args = new String[base.length + extra.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        CliRunner.Result r = CliRunner.run(args);
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains(expectedInMessage), "message should name '" + expectedInMessage + "':\n" + r.err());
        assertFalse(Files.exists(run), "nothing may be written to the run directory");
    }

    private static final String GOOD = "{\"input\": \"i saw the cat today\", \"output\": \"yes\"}\n"
            + "{\"input\": \"i like the bread\", \"output\": \"no\"}\n";

    @Test
    void malformedJsonlNamesFileAndLine() throws IOException {
        Path data = file("bad.jsonl", GOOD + "{\"input\": \"x\", \"output\": }\n");
        assertRefused(data, data + ":3: malformed JSON");
    }

    @Test
    void missingOutputFieldIsNamed() throws IOException {
        Path data = file("nooutput.jsonl", GOOD + "{\"input\": \"the dog\"}\n");
        assertRefused(data, data + ":3: missing field \"output\"");
    }

    @Test
    void emptyFileIsRefused() throws IOException {
        Path data = file("empty.jsonl", "");
        assertRefused(data, data + ": no examples");
    }

    @Test
    void unknownMethodListsTheKnownOnes() throws IOException {
        assertRefused(file("ok.jsonl", GOOD),
                "unknown method 'prefix-tuning' (available: soft-prompt, prefix, p-tuning, lora, full)", "--method",
                "prefix-tuning");
    }

    @Test
    void promptPlusInputLongerThanTheContextIsRefused() throws IOException {
        String longInput = "the cat runs in the field and the dog runs in the field and";
        Path data = file("long.jsonl", GOOD + "{\"input\": \"" + longInput + "\", \"output\": \"yes\"}\n");
        assertRefused(data, "example 3 needs", "--prompt-length", "4");
        assertRefused(data, "the model's context is 16 tokens", "--prompt-length", "4");
    }

    @Test
    void badNumbersAreNamedWithTheirRange() throws IOException {
        assertRefused(file("ok.jsonl", GOOD), "prompt length must be in [1, 4096], got 0", "--prompt-length", "0");
        assertRefused(file("ok.jsonl", GOOD), "unknown prompt init 'words'", "--init", "words");
        assertRefused(file("ok.jsonl", GOOD), "needs a non-empty init text", "--init", "text");
    }

    @Test
    void anExistingRunIsNeverOverwritten() throws IOException {
        Path run = dir.resolve("existing");
        Files.createDirectories(run);
        Path marker = Files.writeString(run.resolve("result.json"), "{\"keep\": true}");
        CliRunner.Result r = CliRunner.run("tune", "--model", model.toString(), "--train", file("ok.jsonl", GOOD).toString(),
                "--steps", "2", "--quiet", "--out", run.toString());
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains("already exists"), r.err());
        assertEquals("{\"keep\": true}", Files.readString(marker));
    }

    @Test
    void modelDirectoryWithoutConfigIsNamed() throws IOException {
        Path empty = Files.createDirectories(dir.resolve("nomodel"));
        Files.writeString(empty.resolve("tokenizer.json"), "{}");
        CliRunner.Result r = CliRunner.run("eval", "--model", empty.toString(), "--data", file("ok.jsonl", GOOD).toString(),
                "--json", dir.resolve("o.json").toString());
        assertNotEquals(0, r.exitCode(), r.toString());
        assertTrue(r.err().contains(empty.toString()), r.err());
        assertFalse(Files.exists(dir.resolve("o.json")));
    }

    @Test
    void unknownCommandAndMissingOptionsAreUsageErrors() {
        assertEquals(2, CliRunner.run("frobnicate").exitCode());
        CliRunner.Result r = CliRunner.run("tune", "--model", model.toString());
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("Missing required option"), r.err());
    }
}
