package dev.promptlab.model.hf.bloom;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptlab.model.Architectures;
import dev.promptlab.model.LanguageModel;
import dev.promptlab.model.ModelConfig;
import dev.promptlab.model.ModelInput;
import dev.promptlab.model.ModelLoadException;
import dev.promptlab.model.Models;
import dev.promptlab.model.hf.DecoderContractTest;
import dev.promptlab.tensor.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.promptlab.model.hf.HfTestModels.maxAbsDiff;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** BLOOM: the decoder contract plus ALiBi, the config's aliases and rejections, and checkpoint names. */
class BloomTest extends DecoderContractTest {
    @Override
    protected LanguageModel build(NDManager root) {
        return BloomTiny.model(BloomTiny.config(), root, 1234L);
    }

    @Override
    protected List<String> loraTargets() {
        return List.of("transformer.h.0.self_attention.query_key_value.weight", "transformer.h.1.mlp.dense_4h_to_h.weight");
    }

    @Test
    void registeredUnderItsModelType() {
        assertInstanceOf(BloomArchitecture.class, Architectures.byModelType("bloom"));
        assertInstanceOf(BloomArchitecture.class, Architectures.byName("bloom"));
    }

    @Test
    void alibiSlopesAreHfs() {
        assertArrayEquals(new float[] {0.5f, 0.25f, 0.125f, 0.0625f, 0.03125f, 0.015625f, 0.0078125f, 0.00390625f},
                Bloom.alibiSlopes(8), 0f);
        // 6 heads: the 4 slopes of 4 heads (2^-2, 2^-4, ...), then 2^-1 and 2^-3 from the 8-head series.
        assertArrayEquals(new float[] {0.25f, 0.0625f, 0.015625f, 0.00390625f, 0.5f, 0.125f}, Bloom.alibiSlopes(6), 0f);
        assertEquals((float) Math.pow(2, -8), Bloom.alibiSlopes(1)[0], 0f);
        assertEquals(12, Bloom.alibiSlopes(12).length);
    }

    @Test
    void noPositionLimitBeyondSeqLength() {
        try (NDManager m = root.newSubManager()) {
            NDArray ids = ids(m, new Rng(31), 1, model.config().contextLength() + 8);
            NDArray out = logits(ModelInput.ofIds(ids));
            assertFalse(Float.isNaN(out.sum().getFloat()));
        }
    }

    @Test
    void loadsBaseModelNamesAndIgnoresTiedHead() {
        try (NDManager m = root.newSubManager()) {
            Map<String, NDArray> renamed = new LinkedHashMap<>();
            model.parameters().forEach((name, w) -> renamed.put(name.substring("transformer.".length()), w.duplicate()));
            renamed.put("lm_head.weight", model.inputEmbeddings().duplicate());
            try (LanguageModel base = new BloomArchitecture().fromWeights(model.config(), renamed, m.newSubManager())) {
                NDArray ids = ids(m, new Rng(32), 1, 5);
                assertEquals(0f, maxAbsDiff(logits(ModelInput.ofIds(ids)), base.forward(ModelInput.ofIds(ids)).logits()));
            }
            Map<String, NDArray> bad = new LinkedHashMap<>(model.parameters());
            bad.put("transformer.h.0.self_attention.dense.weight", m.zeros(new ai.djl.ndarray.types.Shape(24, 23)));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new BloomArchitecture().fromWeights(model.config(), bad, m));
            assertTrue(e.getMessage().contains("'transformer.h.0.self_attention.dense.weight' has shape (24, 23)"),
                    e.getMessage());
        }
    }

    @Test
    void aliasesAreReadWithHfsPrecedenceAndWrittenCanonically() {
        BloomArchitecture arch = new BloomArchitecture();
        ModelConfig c = arch.readConfig(BloomTiny.variant());
        assertEquals(List.of(16, 3, 4, 64), List.of(c.hiddenSize(), c.numLayers(), c.numHeads(), c.innerSize()));
        ObjectNode both = BloomTiny.config();
        both.put("n_embed", 36); // HF: n_embed overrides hidden_size
        both.put("num_hidden_layers", 5); // and num_hidden_layers overrides n_layer
        ModelConfig d = arch.readConfig(both);
        assertEquals(List.of(36, 5), List.of(d.hiddenSize(), d.numLayers()));
        ObjectNode written = arch.writeConfig(d);
        assertFalse(written.has("n_embed") || written.has("num_hidden_layers"), written.toString());
        assertEquals(36, written.get("hidden_size").intValue());
        assertEquals(5, written.get("n_layer").intValue());
        assertEquals("BloomForCausalLM", written.get("architectures").get(0).textValue());
        ModelConfig own = new ModelConfig("bloom", 96, 24, 24, 2, 6, 96, 1e-5, 1, 2);
        assertEquals(Bloom.expectedShapes(own).keySet(), Bloom.expectedShapes(arch.readConfig(arch.writeConfig(own))).keySet());
    }

    @Test
    void badConfigsNameConfigJsonAndTheField(@TempDir Path dir) throws Exception {
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("hidden_size", null); // missing
        cases.put("n_head", "5"); // 24 is not divisible by 5
        cases.put("slow_but_exact", "true");
        cases.put("tie_word_embeddings", "false");
        cases.put("apply_residual_connection_post_layernorm", "1");
        cases.put("layer_norm_epsilon", "\"small\"");
        ObjectMapper json = new ObjectMapper();
        for (Map.Entry<String, String> c : cases.entrySet()) {
            ObjectNode config = BloomTiny.config();
            if (c.getValue() == null) {
                config.remove(c.getKey());
            } else {
                config.set(c.getKey(), json.readTree(c.getValue()));
            }
            config.put("pretraining_tp", 4);
            Files.writeString(dir.resolve(Models.CONFIG), config.toString());
            ModelLoadException e = assertThrows(ModelLoadException.class, () -> Models.readConfig(dir), c.getKey());
            assertTrue(e.getMessage().contains("config.json") && e.getMessage().contains("'" + c.getKey() + "'"),
                    e.getMessage());
        }
    }
}
