package dev.promptlab.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.promptlab.task.builtin.wordnet.BuiltinTasks;
import dev.promptlab.task.builtin.wordnet.Split;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code --task builtin:...} in tune and eval, {@code tasks}, {@code models}, and bad built-in references. */
class CliBuiltinTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path shared;
    static Path model;

    @BeforeAll
    static void modelFittedOnTaskText() throws IOException {
        List<String> lines = new ArrayList<>();
        for (String name : List.of("polarity", "antonym")) {
            var task = BuiltinTasks.get(name);
            for (Split s : Split.values()) {
                task.examples(s).forEach(e -> lines.add(task.spec().template().render(e)));
            }
        }
        Path corpus = shared.resolve("corpus.txt");
        Files.write(corpus, lines);
        model = shared.resolve("model");
        CliRunner.Result r = CliRunner.run("init-model", "--arch", "gpt", "--layers", "1", "--heads", "2", "--hidden", "16",
                "--context", "64", "--corpus", corpus.toString(), "--out", model.toString());
        assertEquals(0, r.exitCode(), r.toString());
    }

    @Test
    void tuneAndEvalOnBuiltinTasks() throws IOException {
        Path run = shared.resolve("run-polarity");
        CliRunner.Result r = CliRunner.run("tune", "--model", model.toString(), "--task", "builtin:polarity", "--steps", "3",
                "--prompt-length", "2", "--quiet", "--out", run.toString());
        assertEquals(0, r.exitCode(), r.toString());
        JsonNode config = JSON.readTree(run.resolve("config.json").toFile());
        assertEquals("builtin:polarity:train", config.get("train").asText());
        assertEquals("classification", config.get("task_type").asText());
        assertEquals("[\"positive\",\"negative\"]", config.get("labels").toString());

        Path out = shared.resolve("eval.json");
        r = CliRunner.run("eval", "--model", model.toString(), "--adapter", run.resolve("adapter").toString(), "--task",
                "builtin:polarity", "--json", out.toString());
        assertEquals(0, r.exitCode(), r.toString());
        JsonNode result = JSON.readTree(out.toFile());
        assertEquals(BuiltinTasks.get("polarity").items(Split.TEST).size(), result.get("n").asInt());
        assertTrue(result.has("accuracy"));

        Path gen = shared.resolve("gen.json");
        r = CliRunner.run("eval", "--model", model.toString(), "--task", "builtin:antonym:dev", "--max-tokens", "2",
                "--json", gen.toString());
        assertEquals(0, r.exitCode(), r.toString());
        result = JSON.readTree(gen.toFile());
        assertEquals(BuiltinTasks.get("antonym").items(Split.DEV).size(), result.get("n").asInt());
        assertTrue(result.has("exact_match") && result.has("bleu") && result.has("rouge_l"), result.toString());
    }

    @Test
    void badReferencesNameWhatIsAllowed() {
        Path run = shared.resolve("never");
        CliRunner.Result r = CliRunner.run("tune", "--model", model.toString(), "--task", "builtin:sentiment", "--steps", "1",
                "--out", run.toString());
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains("sentiment") && r.err().contains("topic"), r.err());
        r = CliRunner.run("tune", "--model", model.toString(), "--steps", "1", "--out", run.toString());
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains("--task"), r.err());
        r = CliRunner.run("eval", "--model", "builtin:huge", "--task", "builtin:topic", "--json", run.toString());
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains("builtin:tiny") && r.err().contains("huge"), r.err());
        r = CliRunner.run("tune", "--model", model.toString(), "--task", "builtin:topic", "--template", "{input} {output}",
                "--steps", "1", "--out", run.toString());
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains("--template"), r.err());
        assertTrue(!Files.exists(run));
    }

    @Test
    void tasksAndModelsList() throws IOException {
        CliRunner.Result r = CliRunner.run("tasks", "--json");
        assertEquals(0, r.exitCode(), r.toString());
        JsonNode tasks = JSON.readTree(r.out());
        assertEquals(BuiltinTasks.names().size(), tasks.size());
        for (JsonNode t : tasks) {
            assertTrue(t.get("splits").get("test").asInt() > 0 && !t.get("instruction").asText().isEmpty(), t.toString());
            assertTrue(!t.get("contradictory_instruction").asText().equals(t.get("instruction").asText()));
        }
        r = CliRunner.run("tasks");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().contains("usage-pos") && r.out().contains("instruction:"), r.out());
        r = CliRunner.run("models", "--json");
        assertEquals(0, r.exitCode(), r.toString());
        JsonNode models = JSON.readTree(r.out());
        assertEquals(3, models.size());
        assertEquals("builtin:tiny", models.get(0).get("name").asText());
    }
}
