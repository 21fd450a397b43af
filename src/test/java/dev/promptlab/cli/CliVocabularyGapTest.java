package dev.promptlab.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptlab.tensor.Safetensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A checkpoint whose embedding has rows its tokenizer has no entry for, as GPT-2-shaped
 * checkpoints do (tools/random_gpt2_checkpoint.py writes 50,257 rows and 257 tokens): here the
 * byte-level BPE holds the 256 byte symbols and {@code <|endoftext|>} at id 300, so ids 256-299
 * are holes. A soft prompt whose vectors sit exactly on hole rows must be shown by {@code
 * inspect} with placeholders {@code <id N>}, not fail.
 */
class CliVocabularyGapTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int VOCAB = 301;
    private static final int EOT = 300;
    @TempDir
    Path dir;

    @Test
    void inspectShowsPlaceholdersForIdsWithoutAVocabularyEntry() throws IOException {
        Path model = gappedModel();
        Path data = Files.writeString(dir.resolve("d.jsonl"), "{\"input\": \"ab\", \"output\": \"c\"}\n");
        Path run = dir.resolve("run");
        CliRunner.Result tuned = CliRunner.run("tune", "--model", model.toString(), "--train", data.toString(), "--steps",
                "1", "--prompt-length", "2", "--batch-size", "1", "--init", "random", "--quiet", "--out", run.toString());
        assertEquals(0, tuned.exitCode(), tuned.toString());
        // put the two prompt vectors exactly on embedding rows 260 and 280, which no token has
        Path weights = run.resolve("adapter/adapter_model.safetensors");
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray wte = Safetensors.read(model.resolve("model.safetensors"), m).get("wte.weight"); // (V, C)
            Map<String, NDArray> prompt = new LinkedHashMap<>();
            prompt.put("prompt_embeddings", wte.get("260:281:20")); // (2, C): rows 260 and 280
            Safetensors.write(weights, prompt, Safetensors.readHeader(weights).metadata());
        }

        CliRunner.Result json = CliRunner.run("inspect", "--model", model.toString(), "--adapter",
                run.resolve("adapter").toString(), "--top-k", "2", "--json");
        assertEquals(0, json.exitCode(), json.toString());
        JsonNode rows = JSON.readTree(json.out()).get("adapter").get("nearest_tokens");
        assertEquals("<id 260>", rows.get(0).get("neighbours").get(0).get("token").asText(), json.out());
        assertEquals(260, rows.get(0).get("neighbours").get(0).get("id").asInt());
        assertEquals("<id 280>", rows.get(1).get("neighbours").get(0).get("token").asText(), json.out());
        assertEquals("<id 260> <id 280>", JSON.readTree(json.out()).get("adapter").get("projected_text").asText());

        CliRunner.Result text = CliRunner.run("inspect", "--model", model.toString(), "--adapter",
                run.resolve("adapter").toString(), "--top-k", "1");
        assertEquals(0, text.exitCode(), text.toString());
        assertTrue(text.out().contains("projected text: <id 260> <id 280>"), text.out());
    }

    /**
     * A tiny GPT-2 whose embedding has {@value #VOCAB} rows and whose tokenizer (vocab.json +
     * merges.txt, GPT-2's byte symbols) has 257 entries.
     */
    private Path gappedModel() throws IOException {
        Path model = SyntheticText.initTinyModel(dir, 16);
        ObjectNode config = (ObjectNode) JSON.readTree(model.resolve("config.json").toFile());
        config.put("vocab_size", VOCAB).put("bos_token_id", EOT).put("eos_token_id", EOT);
        Files.writeString(model.resolve("config.json"), JSON.writeValueAsString(config));
        Path weights = model.resolve("model.safetensors");
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> all = new LinkedHashMap<>(Safetensors.read(weights, m));
            long hidden = all.get("wte.weight").getShape().get(1);
            all.put("wte.weight", m.randomNormal(0, 0.5f, new ai.djl.ndarray.types.Shape(VOCAB, hidden),
                    ai.djl.ndarray.types.DataType.FLOAT32));
            Safetensors.write(weights, all, Safetensors.readHeader(weights).metadata());
        }
        Files.delete(model.resolve("tokenizer.json"));
        ObjectNode vocab = JSON.createObjectNode();
        String[] symbols = byteSymbols();
        for (int b = 0; b < 256; b++) {
            vocab.put(symbols[b], b);
        }
        vocab.put("<|endoftext|>", EOT);
        Files.writeString(model.resolve("vocab.json"), JSON.writeValueAsString(vocab));
        Files.writeString(model.resolve("merges.txt"), "#version: 0.2\n");
        return model;
    }

    /** GPT-2's printable stand-ins for the 256 bytes (bytes_to_unicode), as the tool writes them. */
    private static String[] byteSymbols() {
        String[] out = new String[256];
        int n = 0;
        for (int b = 0; b < 256; b++) {
            boolean keep = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            out[b] = String.valueOf((char) (keep ? b : 256 + n++));
        }
        return out;
    }
}
