package dev.promptlab.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptlab.tensor.Rng;
import dev.promptlab.tensor.Safetensors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static dev.promptlab.model.TinyModels.maxAbsDiff;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static NDManager root;

    @BeforeAll
    static void setUp() {
        root = NDManager.newBaseManager();
    }

    @AfterAll
    static void tearDown() {
        root.close();
    }

    @Test
    void saveLoadRoundTripGivesIdenticalWeightsAndLogits(@TempDir Path tmp) throws Exception {
        for (LanguageModel model : new LanguageModel[] {TinyModels.gpt(root, 5), TinyModels.lstm(root, 6)}) {
            try (model) {
                Path dir = tmp.resolve(model.config().arch());
                Models.save(model, dir);
                try (LanguageModel loaded = Models.load(dir, root); NDManager m = root.newSubManager()) {
                    assertEquals(model.config(), loaded.config());
                    assertEquals(model.getClass(), loaded.getClass());
                    assertEquals(model.parameters().keySet(), loaded.parameters().keySet());
                    for (String name : model.parameters().keySet()) {
                        assertArrayEquals(model.parameters().get(name).toByteArray(),
                                loaded.parameters().get(name).toByteArray(), name);
                    }
                    NDArray ids = TinyModels.ids(m, new Rng(1), 2, 7, model.vocabSize());
                    assertEquals(0f, maxAbsDiff(model.forward(ModelInput.ofIds(ids)).logits(),
                            loaded.forward(ModelInput.ofIds(ids)).logits()));
                    Path again = tmp.resolve(model.config().arch() + "-again");
                    Models.save(loaded, again);
                    assertArrayEquals(Files.readAllBytes(dir.resolve(Models.WEIGHTS)),
                            Files.readAllBytes(again.resolve(Models.WEIGHTS)));
                    assertEquals(model.parameterCount(), loaded.parameterCount());
                }
            }
        }
    }

    @Test
    void loadsHuggingFaceNamesAndShards(@TempDir Path tmp) throws Exception {
        try (Gpt model = TinyModels.gpt(root, 7); NDManager m = root.newSubManager()) {
            Models.save(model, tmp.resolve("ref"));
            // HF-style: "transformer." prefix, lm_head.weight, attention buffers; split over two shards.
            Path dir = tmp.resolve("hf");
            Files.createDirectories(dir);
            Files.copy(tmp.resolve("ref").resolve(Models.CONFIG), dir.resolve(Models.CONFIG));
            Map<String, NDArray> a = new LinkedHashMap<>();
            Map<String, NDArray> b = new LinkedHashMap<>();
            ObjectNode index = JSON.createObjectNode();
            ObjectNode map = index.putObject("weight_map");
            for (var e : model.parameters().entrySet()) {
                boolean first = e.getKey().startsWith("h.0") || e.getKey().startsWith("w");
                (first ? a : b).put("transformer." + e.getKey(), e.getValue());
                map.put("transformer." + e.getKey(), first ? "model-00001-of-00002.safetensors" : "model-00002-of-00002.safetensors");
            }
            b.put("lm_head.weight", model.inputEmbeddings());
            map.put("lm_head.weight", "model-00002-of-00002.safetensors");
            a.put("transformer.h.0.attn.bias", m.ones(new Shape(1, 1, 32, 32)));
            map.put("transformer.h.0.attn.bias", "model-00001-of-00002.safetensors");
            Safetensors.write(dir.resolve("model-00001-of-00002.safetensors"), a, null);
            Safetensors.write(dir.resolve("model-00002-of-00002.safetensors"), b, null);
            Files.writeString(dir.resolve(Models.INDEX), JSON.writeValueAsString(index));
            try (LanguageModel loaded = Models.load(dir, root)) {
                NDArray ids = TinyModels.ids(m, new Rng(2), 1, 6, 50);
                assertEquals(0f, maxAbsDiff(model.forward(ModelInput.ofIds(ids)).logits(),
                        loaded.forward(ModelInput.ofIds(ids)).logits()));
                assertEquals(model.parameters().keySet(), loaded.parameters().keySet());
            }
        }
    }

    @Test
    void badModelDirectoriesFailNamingTheProblem(@TempDir Path tmp) throws Exception {
        Path good = tmp.resolve("good");
        try (Gpt model = TinyModels.gpt(root, 8)) {
            Models.save(model, good);
        }
        String config = Files.readString(good.resolve(Models.CONFIG));

        assertFails(tmp.resolve("nowhere"), "does not exist");

        Path noConfig = copy(good, tmp.resolve("no-config"));
        Files.delete(noConfig.resolve(Models.CONFIG));
        assertFails(noConfig, "no config.json");

        Path badJson = copy(good, tmp.resolve("bad-json"));
        Files.writeString(badJson.resolve(Models.CONFIG), "{ not json");
        assertFails(badJson, "not valid JSON");

        Path badField = copy(good, tmp.resolve("bad-field"));
        Files.writeString(badField.resolve(Models.CONFIG), config.replace("\"n_embd\" : 16", "\"n_embd\" : \"sixteen\""));
        assertFails(badField, "'n_embd'");

        Path missingField = copy(good, tmp.resolve("missing-field"));
        Files.writeString(missingField.resolve(Models.CONFIG), config.replace("\"n_layer\" : 2,", ""));
        assertFails(missingField, "missing field 'n_layer'");

        Path badHeads = copy(good, tmp.resolve("bad-heads"));
        Files.writeString(badHeads.resolve(Models.CONFIG), config.replace("\"n_head\" : 2", "\"n_head\" : 3"));
        assertFails(badHeads, "divisible by heads 3");

        Path badType = copy(good, tmp.resolve("bad-type"));
        Files.writeString(badType.resolve(Models.CONFIG), config.replace("\"gpt2\"", "\"t5\""));
        ModelLoadException e = assertFails(badType, "unsupported model_type 't5'");
        assertTrue(e.getMessage().contains("gpt2") && e.getMessage().contains("promptlab-lstm"), e.getMessage());

        Path badAct = copy(good, tmp.resolve("bad-act"));
        Files.writeString(badAct.resolve(Models.CONFIG), config.replace("gelu_new", "relu"));
        assertFails(badAct, "'activation_function'");

        Path noWeights = copy(good, tmp.resolve("no-weights"));
        Files.delete(noWeights.resolve(Models.WEIGHTS));
        assertFails(noWeights, "no model.safetensors");

        Path truncated = copy(good, tmp.resolve("truncated"));
        byte[] bytes = Files.readAllBytes(truncated.resolve(Models.WEIGHTS));
        Files.write(truncated.resolve(Models.WEIGHTS), java.util.Arrays.copyOf(bytes, bytes.length - 100));
        e = assertFails(truncated, "truncated");
        assertTrue(e.getMessage().contains(Models.WEIGHTS), e.getMessage());

        Path wrongShape = copy(good, tmp.resolve("wrong-shape"));
        Files.writeString(wrongShape.resolve(Models.CONFIG), config.replace("\"n_positions\" : 32", "\"n_positions\" : 64"));
        assertFails(wrongShape, "tensor 'wpe.weight' has shape (32, 16), expected (64, 16)");

        Path missingTensor = tmp.resolve("missing-tensor");
        try (Gpt model = TinyModels.gpt(root, 8)) {
            Map<String, NDArray> w = new LinkedHashMap<>(model.parameters());
            w.remove("h.1.mlp.c_fc.bias");
            Files.createDirectories(missingTensor);
            Files.writeString(missingTensor.resolve(Models.CONFIG), config);
            Safetensors.write(missingTensor.resolve(Models.WEIGHTS), w, null);
        }
        assertFails(missingTensor, "missing tensor 'h.1.mlp.c_fc.bias'");

        Path extraLayer = copy(good, tmp.resolve("extra-layer"));
        Files.writeString(extraLayer.resolve(Models.CONFIG), config.replace("\"n_layer\" : 2", "\"n_layer\" : 1"));
        assertFails(extraLayer, "unexpected tensors 'h.1.");

        Path badShard = tmp.resolve("bad-shard");
        Files.createDirectories(badShard);
        Files.writeString(badShard.resolve(Models.CONFIG), config);
        Files.writeString(badShard.resolve(Models.INDEX), "{\"weight_map\": {\"wte.weight\": \"model-00001.safetensors\"}}");
        assertFails(badShard, "shard listed in model.safetensors.index.json does not exist");
    }

    private static ModelLoadException assertFails(Path dir, String expected) {
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> Models.load(dir, root).close());
        assertTrue(e.getMessage().contains(expected), "message '" + e.getMessage() + "' should contain '" + expected + "'");
        assertTrue(e.getMessage().contains(dir.toString()), "message should name the path: " + e.getMessage());
        assertInstanceOf(RuntimeException.class, e);
        return e;
    }

    private static Path copy(Path from, Path to) throws Exception {
        Files.createDirectories(to);
        try (var files = Files.list(from)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.copy(f, to.resolve(f.getFileName()));
            }
        }
        return to;
    }
}
