package dev.promptlab.adapt;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.promptlab.model.LanguageModel;
import dev.promptlab.model.Models;
import dev.promptlab.tensor.Rng;
import dev.promptlab.tensor.Safetensors;
import dev.promptlab.train.AdapterObjective;
import dev.promptlab.train.Batch;
import dev.promptlab.train.Checkpoint;
import dev.promptlab.train.TrainConfig;
import dev.promptlab.train.Trainer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Every method × every tiny model ({@link MethodModels}): trainable-parameter counts, a frozen
 * backbone, loss that falls, save → load → identical logits, PEFT's tensor names, shapes and
 * config keys, and exact resume from a checkpoint.
 */
class MethodMatrixTest extends AdapterTestBase {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> PROMPT_KEYS = List.of("num_virtual_tokens", "token_dim",
            "num_transformer_submodules", "num_attention_heads", "num_layers");

    /**
     * One method as the tests see it: how to make it, how many elements it trains, PEFT's tensors
     * and config keys (null for full tuning, which writes a model), and a learning rate that moves it.
     */
    record Method(String name, BiFunction<LanguageModel, Rng, Adapter> create, Function<LanguageModel, Long> count,
            Function<LanguageModel, Map<String, Shape>> peftTensors, List<String> configKeys, double lr) {
        @Override
        public String toString() {
            return name;
        }
    }

    static long c(LanguageModel m) {
        return m.hiddenSize();
    }

    static long d(LanguageModel m) {
        return (long) m.numKeyValueHeads() * m.headSize();
    }

    static long l(LanguageModel m) {
        return m.numLayers();
    }

    static List<Method> methods() {
        List<Method> out = new ArrayList<>();
        out.add(new Method("soft-prompt", (m, rng) -> SoftPrompt.create(new SoftPromptConfig(4,
                SoftPromptConfig.Init.RANDOM, null), m, null, rng), m -> 4 * c(m),
                m -> Map.of("prompt_embeddings", new Shape(4, c(m))), PROMPT_KEYS, 0.05));
        out.add(new Method("prefix", (m, rng) -> PrefixTuning.create(new PrefixConfig(3, false, 0), m, rng),
                m -> 2 * l(m) * 3 * d(m), m -> Map.of("prompt_embeddings", new Shape(3, 2 * l(m) * d(m))),
                concat(PROMPT_KEYS, "encoder_hidden_size", "prefix_projection"), 0.05));
        out.add(new Method("prefix-projection", (m, rng) -> PrefixTuning.create(new PrefixConfig(3, true, 8), m, rng),
                m -> 3 * d(m) + (8 * d(m) + 8) + (2 * l(m) * d(m) * 8 + 2 * l(m) * d(m)),
                m -> Map.of("prompt_embeddings", new Shape(3, 2 * l(m) * d(m))),
                concat(PROMPT_KEYS, "encoder_hidden_size", "prefix_projection"), 0.01));
        out.add(new Method("p-tuning-mlp", (m, rng) -> PTuning.create(new PTuningConfig(3, PTuningConfig.Encoder.MLP, 8),
                m, rng), m -> 3 * c(m) + (c(m) * 8 + 8) + (8 * 8 + 8) + (8 * c(m) + c(m)),
                m -> Map.of("prompt_embeddings", new Shape(3, c(m))),
                concat(PROMPT_KEYS, "encoder_reparameterization_type", "encoder_hidden_size", "encoder_num_layers",
                        "encoder_dropout"), 0.01));
        out.add(new Method("p-tuning-lstm", (m, rng) -> PTuning.create(new PTuningConfig(3, PTuningConfig.Encoder.LSTM,
                6), m, rng), m -> 3 * c(m) + 2 * (4 * 6 * c(m) + 4 * 6 * 6 + 8 * 6) + 2 * (4 * 6 * 12 + 4 * 6 * 6 + 8 * 6)
                        + (12 * 12 + 12) + (12 * c(m) + c(m)),
                m -> Map.of("prompt_embeddings", new Shape(3, c(m))),
                concat(PROMPT_KEYS, "encoder_reparameterization_type", "encoder_hidden_size"), 0.01));
        out.add(new Method("lora", (m, rng) -> Lora.create(new LoraConfig(2, 4, 0.1, m.defaultLoraTargets()), m, rng),
                m -> PeftLoraNames.tensors(m.config().arch()).values().stream().mapToLong(Shape::size).sum(),
                m -> PeftLoraNames.tensors(m.config().arch()), List.of("r", "lora_alpha", "lora_dropout", "target_modules", "bias",
                        "fan_in_fan_out", "init_lora_weights"), 0.02));
        out.add(new Method("full", (m, rng) -> WeightSubset.of(m, WeightSubset.Part.ALL), LanguageModel::parameterCount,
                null, null, 0.002));
        return out;
    }

    private static List<String> concat(List<String> a, String... b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(List.of(b));
        return out;
    }

    static Stream<Arguments> matrix() {
        List<Arguments> out = new ArrayList<>();
        for (MethodModels.Case model : MethodModels.all()) {
            for (Method method : methods()) {
                out.add(Arguments.of(model, method));
            }
        }
        return out.stream();
    }

    private Trainer trainer(LanguageModel model, Adapter adapter, Method method, int steps, int[][] w) {
        return new Trainer(new TrainConfig(steps, w.length, method.lr, 0, 0, 1.0, 0, 1, 0), adapter.parameters(),
                new AdapterObjective(model, adapter), MethodModels.fixed(w), root)
                .withSchedule(step -> method.lr); // constant, so a run cut short follows the long run's path
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("matrix")
    void countsTrainsAndKeepsTheBackbone(MethodModels.Case c, Method method) {
        try (LanguageModel model = c.build(root, 1); Adapter adapter = method.create.apply(model, new Rng(3))) {
            assertEquals(method.count.apply(model), adapter.trainableCount(), "trainable elements");
            Map<String, byte[]> before = MethodModels.weightBytes(model);
            int[][] w = MethodModels.windows(4, 4, 8);
            List<Double> losses = new ArrayList<>();
            Trainer t = trainer(model, adapter, method, 20, w);
            t.addListener((info, tr) -> losses.add(info.loss()));
            t.run();
            assertTrue(losses.get(losses.size() - 1) < losses.get(0) - 0.05, "loss falls: " + losses);
            Map<String, byte[]> after = MethodModels.weightBytes(model);
            if (method.name.equals("full")) {
                String embeddings = model.parameters().entrySet().stream()
                        .filter(e -> e.getValue() == model.inputEmbeddings()).findFirst().orElseThrow().getKey();
                assertFalse(java.util.Arrays.equals(before.get(embeddings), after.get(embeddings)), "full tunes weights");
            } else {
                before.forEach((k, v) -> assertArrayEquals(v, after.get(k), "backbone weight " + k + " changed"));
            }
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("matrix")
    void savesPeftFilesAndLoadsToIdenticalLogits(MethodModels.Case c, Method method) throws Exception {
        int[][] w = MethodModels.windows(5, 3, 7);
        try (LanguageModel model = c.build(root, 1); Adapter adapter = method.create.apply(model, new Rng(3))) {
            trainer(model, adapter, method, 3, w).run(); // LoRA's B leaves zero: the file must carry real values
            float[] expected = logits(model, adapter, w);
            if (method.peftTensors == null) {
                Path out = dir.resolve("model");
                Models.save(model, out);
                try (LanguageModel loaded = Models.load(out, root)) {
                    assertArrayEquals(expected, logits(loaded, null, w), 0f);
                }
                return;
            }
            Path out = dir.resolve("adapter");
            AdapterFile.save(adapter, model, out, "tiny");
            Map<String, Shape> found = new TreeMap<>();
            Safetensors.readHeader(out.resolve(AdapterFile.WEIGHTS)).tensors().forEach((k, v) ->
                    found.put(k, new Shape(v.shape())));
            assertEquals(new TreeMap<>(method.peftTensors.apply(model)), found, "PEFT's tensors");
            JsonNode config = JSON.readTree(out.resolve(AdapterFile.CONFIG).toFile());
            assertEquals(Adapters.of(adapter).peftType(), config.get("peft_type").asText());
            assertEquals("CAUSAL_LM", config.get("task_type").asText());
            for (String key : method.configKeys) {
                assertTrue(config.has(key), "adapter_config.json lacks PEFT's key " + key + ": " + config);
            }
            try (Adapter loaded = AdapterFile.load(out, model)) {
                assertEquals(adapter.method(), loaded.method());
                assertArrayEquals(expected, logits(model, loaded, w), 1e-5f);
                assertEquals(adapter.trainableCount(), loaded.trainableCount(), "the encoder comes back too");
            }
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("matrix")
    void resumesExactlyFromACheckpoint(MethodModels.Case c, Method method) throws Exception {
        int[][] w = MethodModels.windows(6, 3, 6);
        Map<String, float[]> straight = new LinkedHashMap<>();
        try (LanguageModel model = c.build(root, 1); Adapter adapter = method.create.apply(model, new Rng(3))) {
            trainer(model, adapter, method, 6, w).run();
            adapter.parameters().forEach((k, v) -> straight.put(k, v.toFloatArray()));
        }
        Path ckpt = dir.resolve("checkpoint");
        try (LanguageModel model = c.build(root, 1); Adapter adapter = method.create.apply(model, new Rng(3))) {
            Trainer first = trainer(model, adapter, method, 3, w);
            first.run();
            Checkpoint.save(first, ckpt);
        }
        try (LanguageModel model = c.build(root, 1); Adapter adapter = method.create.apply(model, new Rng(99));
                NDManager scope = root.newSubManager()) {
            Trainer second = trainer(model, adapter, method, 6, w);
            second.restore(Checkpoint.load(ckpt, scope));
            second.run();
            adapter.parameters().forEach((k, v) -> assertArrayEquals(straight.get(k), v.toFloatArray(), 0f,
                    "resumed " + k + " differs from an uninterrupted run"));
        }
    }
}
