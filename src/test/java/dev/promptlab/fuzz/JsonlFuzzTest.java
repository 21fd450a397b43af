package dev.promptlab.fuzz;

import dev.promptlab.task.DataFormatException;
import dev.promptlab.task.Example;
import dev.promptlab.task.JsonlReader;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The JSONL reader under fuzzing: for any bytes, {@link JsonlReader#parse} returns at least one
 * example with both fields, or throws a DataFormatException naming the file.
 */
class JsonlFuzzTest {
    private static final String NAME = "fuzz.jsonl";
    private static final List<byte[]> SEEDS = List.of(
            utf8("{\"input\": \"i saw the cat\", \"output\": \"yes\"}\n{\"input\": \"the bread\", \"output\": \"no\"}\n"),
            utf8("\uFEFF{\"input\": \"caf\u00e9 \\u00e9\\n\", \"output\": \"\u2713\", \"extra\": [1, {\"a\": null}]}\r\n\r\n"),
            utf8("\n  {\"output\": \"b\", \"input\": \"a\"}\n\t\n{\"input\": \"\", \"output\": \" \"}"));

    @Property(seed = FuzzCheck.SEED)
    void readsExamplesOrIsRefusedByName(@ForAll("files") byte[] input) {
        List<Example> examples = FuzzCheck.readOrRefuse(NAME, input, DataFormatException.class,
                () -> JsonlReader.parse(NAME, input));
        if (examples != null) {
            assertFalse(examples.isEmpty());
            for (Example e : examples) {
                assertNotNull(e.input());
                assertNotNull(e.output());
            }
        }
    }

    @Provide
    Arbitrary<byte[]> files() {
        return Arbitraries.oneOf(Mutations.bytes(SEEDS), Mutations.json(List.of(
                Mutations.parse("{\"input\": \"i saw the cat\", \"output\": \"yes\"}"),
                Mutations.parse("{\"input\": \"a\", \"output\": \"b\", \"meta\": {\"id\": 3, \"tags\": [\"x\"]}}"))));
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
