package dev.promptlab.model.hf.opt;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptlab.model.Architectures;
import dev.promptlab.model.KvPrefix;
import dev.promptlab.model.LanguageModel;
import dev.promptlab.model.ModelConfig;
import dev.promptlab.model.ModelInput;
import dev.promptlab.model.ModelLoadException;
import dev.promptlab.model.Models;
import dev.promptlab.model.hf.DecoderContractTest;
import dev.promptlab.model.hf.HfTestModels;
import dev.promptlab.tensor.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.promptlab.model.hf.HfTestModels.maxAbsDiff;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** OPT (pre-LN, E = C): the decoder contract plus OPT's positions, config and checkpoint names. */
class OptTest extends DecoderContractTest {
    @Override
    protected LanguageModel build(NDManager root) {
        return OptTiny.model(OptTiny.config(), root, 1234L);
    }

    @Override
    protected List<String> loraTargets() {
        return List.of("model.decoder.layers.0.self_attn.q_proj.weight", "model.decoder.layers.1.fc2.weight");
    }

    @Test
    void registeredUnderItsModelType() {
        assertInstanceOf(OptArchitecture.class, Architectures.byModelType("opt"));
        assertInstanceOf(OptArchitecture.class, Architectures.byName("opt"));
    }

    @Test
    void positionTableIsReadWithOffsetTwo() {
        try (NDManager m = root.newSubManager(); Opt copy = OptTiny.model(OptTiny.config(), m, 1234L)) {
            NDArray ids = ids(m, new Rng(21), 1, 4);
            NDArray before = copy.forward(ModelInput.ofIds(ids)).logits(); // (1, 4, V)
            NDArray table = copy.parameters().get("model.decoder.embed_positions.weight"); // (N + 2, C)
            table.set(new NDIndex("0:2"), 5f); // rows no unpadded position reads
            assertEquals(0f, maxAbsDiff(before, copy.forward(ModelInput.ofIds(ids)).logits()));
            table.set(new NDIndex("2"), 5f); // position 0
            NDArray after = copy.forward(ModelInput.ofIds(ids)).logits();
            assertTrue(maxAbsDiff(before.get(":, 0"), after.get(":, 0")) > 1e-2);
        }
    }

    @Test
    void maskedPrefixPositionsAreNotCountedAsHfDoes() {
        try (NDManager m = root.newSubManager()) {
            Rng rng = new Rng(22);
            NDArray ids = ids(m, rng, 2, 6); // (B, T)
            KvPrefix prefix = randomPrefix(m, rng, 2, 3);
            // HF's positions are cumsum(mask) - 1: with every prefix position masked the tokens start at 0,
            // so the result is exactly the plain model's.
            NDArray mask = m.zeros(new Shape(2, 3)).concat(m.ones(new Shape(2, 6)), 1); // (B, P + T)
            NDArray hidden = logits(ModelInput.ofIds(ids).withPrefix(prefix).withAttentionMask(mask));
            assertTrue(maxAbsDiff(hidden, logits(ModelInput.ofIds(ids))) < EXACT);
            // Without a mask the tokens sit at P.. and see the prefix.
            NDArray visible = logits(ModelInput.ofIds(ids).withPrefix(prefix));
            assertTrue(maxAbsDiff(hidden, visible) > 1e-2);
        }
    }

    @Test
    void positionsBeyondTheTableFailClearly() {
        try (NDManager m = root.newSubManager()) {
            Rng rng = new Rng(23);
            NDArray ids = ids(m, rng, 1, 30);
            KvPrefix prefix = randomPrefix(m, rng, 1, 3);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> model.forward(ModelInput.ofIds(ids).withPrefix(prefix)));
            assertTrue(e.getMessage().contains("max_position_embeddings 32") && e.getMessage().contains("prefix 3"),
                    e.getMessage());
            assertNotNull(model.forward(ModelInput.ofIds(ids(m, rng, 1, 32))).logits());
        }
    }

    @Test
    void loadsBaseModelNamesAndIgnoresTiedHead(@TempDir Path dir) throws Exception {
        Models.save(model, dir);
        try (NDManager m = root.newSubManager()) {
            Map<String, NDArray> renamed = new LinkedHashMap<>();
            model.parameters().forEach((name, w) -> renamed.put(name.substring("model.".length()), w.duplicate()));
            renamed.put("lm_head.weight", model.inputEmbeddings().duplicate());
            try (LanguageModel base = new OptArchitecture().fromWeights(model.config(), renamed, m.newSubManager())) {
                NDArray ids = ids(m, new Rng(24), 1, 5);
                assertEquals(0f, maxAbsDiff(logits(ModelInput.ofIds(ids)), base.forward(ModelInput.ofIds(ids)).logits()));
            }
            Map<String, NDArray> missing = new LinkedHashMap<>(model.parameters());
            missing.remove("model.decoder.layers.1.fc1.bias");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new OptArchitecture().fromWeights(model.config(), missing, m));
            assertTrue(e.getMessage().contains("'model.decoder.layers.1.fc1.bias'"), e.getMessage());
        }
    }

    @Test
    void writtenConfigKeepsHfKeysAndReadsBack() {
        OptArchitecture arch = new OptArchitecture();
        ObjectNode written = arch.writeConfig(model.config());
        for (String key : List.of("model_type", "architectures", "vocab_size", "hidden_size", "num_hidden_layers",
                "num_attention_heads", "ffn_dim", "max_position_embeddings", "word_embed_proj_dim",
                "do_layer_norm_before", "activation_function", "pad_token_id")) {
            assertTrue(written.has(key), "config.json lacks " + key);
        }
        ModelConfig again = arch.readConfig(written);
        assertEquals(model.config().hiddenSize(), again.hiddenSize());
        // A config promptlab made itself (no source) gets HF's OPT defaults.
        ModelConfig own = new ModelConfig("opt", 96, 32, 16, 2, 4, 32, 1e-5, 2, 2);
        ObjectNode fresh = arch.writeConfig(own);
        assertEquals("relu", fresh.get("activation_function").textValue());
        assertEquals(16, fresh.get("word_embed_proj_dim").intValue());
        assertEquals(Opt.expectedShapes(own).keySet(), Opt.expectedShapes(arch.readConfig(fresh)).keySet());
    }

    @Test
    void badConfigsNameConfigJsonAndTheField(@TempDir Path dir) throws Exception {
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("hidden_size", null); // missing
        cases.put("activation_function", "\"gelu\"");
        cases.put("enable_bias", "false");
        cases.put("layer_norm_elementwise_affine", "false");
        cases.put("tie_word_embeddings", "false");
        cases.put("word_embed_proj_dim", "0");
        cases.put("num_attention_heads", "5"); // 16 is not divisible by 5
        cases.put("do_layer_norm_before", "\"yes\"");
        ObjectMapper json = new ObjectMapper();
        for (Map.Entry<String, String> c : cases.entrySet()) {
            ObjectNode config = OptTiny.config();
            if (c.getValue() == null) {
                config.remove(c.getKey());
            } else {
                config.set(c.getKey(), json.readTree(c.getValue()));
            }
            Files.writeString(dir.resolve(Models.CONFIG), config.toString());
            ModelLoadException e = assertThrows(ModelLoadException.class, () -> Models.readConfig(dir), c.getKey());
            assertTrue(e.getMessage().contains("config.json") && e.getMessage().contains("'" + c.getKey() + "'"),
                    e.getMessage());
        }
    }
}
