package dev.promptlab.model.hf.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptlab.model.Architectures;
import dev.promptlab.model.ModelConfig;
import dev.promptlab.model.ModelInput;
import dev.promptlab.model.ModelLoadException;
import dev.promptlab.model.Models;
import dev.promptlab.tensor.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** config.json of the llama family: real configs read, writes that transformers loads, and clear rejections. */
class LlamaConfigTest {
    // config.json of meta-llama/Llama-3.2-1B, mistralai/Mistral-7B-v0.1 and Qwen/Qwen2-0.5B (keys as published).
    private static final String LLAMA32 = "{\"architectures\": [\"LlamaForCausalLM\"], \"attention_bias\": false,"
            + " \"attention_dropout\": 0.0, \"bos_token_id\": 128000, \"eos_token_id\": [128001, 128008, 128009],"
            + " \"head_dim\": 64, \"hidden_act\": \"silu\", \"hidden_size\": 2048, \"initializer_range\": 0.02,"
            + " \"intermediate_size\": 8192, \"max_position_embeddings\": 131072, \"mlp_bias\": false,"
            + " \"model_type\": \"llama\", \"num_attention_heads\": 32, \"num_hidden_layers\": 16,"
            + " \"num_key_value_heads\": 8, \"pretraining_tp\": 1, \"rms_norm_eps\": 1e-05, \"rope_scaling\":"
            + " {\"factor\": 32.0, \"high_freq_factor\": 4.0, \"low_freq_factor\": 1.0,"
            + " \"original_max_position_embeddings\": 8192, \"rope_type\": \"llama3\"}, \"rope_theta\": 500000.0,"
            + " \"tie_word_embeddings\": true, \"torch_dtype\": \"bfloat16\", \"transformers_version\": \"4.45.0\","
            + " \"use_cache\": true, \"vocab_size\": 128256}";
    private static final String MISTRAL = "{\"architectures\": [\"MistralForCausalLM\"], \"bos_token_id\": 1,"
            + " \"eos_token_id\": 2, \"hidden_act\": \"silu\", \"hidden_size\": 4096, \"initializer_range\": 0.02,"
            + " \"intermediate_size\": 14336, \"max_position_embeddings\": 32768, \"model_type\": \"mistral\","
            + " \"num_attention_heads\": 32, \"num_hidden_layers\": 32, \"num_key_value_heads\": 8,"
            + " \"rms_norm_eps\": 1e-05, \"rope_theta\": 10000.0, \"sliding_window\": 4096,"
            + " \"tie_word_embeddings\": false, \"torch_dtype\": \"bfloat16\", \"use_cache\": true, \"vocab_size\": 32000}";
    private static final String QWEN2 = "{\"architectures\": [\"Qwen2ForCausalLM\"], \"attention_dropout\": 0.0,"
            + " \"bos_token_id\": 151643, \"eos_token_id\": 151643, \"hidden_act\": \"silu\", \"hidden_size\": 896,"
            + " \"initializer_range\": 0.02, \"intermediate_size\": 4864, \"max_position_embeddings\": 131072,"
            + " \"max_window_layers\": 24, \"model_type\": \"qwen2\", \"num_attention_heads\": 14,"
            + " \"num_hidden_layers\": 24, \"num_key_value_heads\": 2, \"rms_norm_eps\": 1e-06,"
            + " \"rope_theta\": 1000000.0, \"sliding_window\": 131072, \"tie_word_embeddings\": true,"
            + " \"torch_dtype\": \"bfloat16\", \"use_cache\": true, \"use_sliding_window\": false,"
            + " \"vocab_size\": 151936}";

    private static ModelConfig read(String json) throws Exception {
        JsonNode node = LlamaTiny.JSON.readTree(json);
        return Architectures.byModelType(node.get("model_type").asText()).readConfig(node);
    }

    @Test
    void registryMapsTheFamily() {
        for (String type : new String[] {"llama", "mistral", "qwen2"}) {
            assertInstanceOf(LlamaArchitecture.class, Architectures.byModelType(type));
        }
        assertInstanceOf(LlamaArchitecture.class, Architectures.byName("llama"));
    }

    @Test
    void readsRealConfigs() throws Exception {
        ModelConfig llama = read(LLAMA32);
        assertEquals(new ModelConfig("llama", 128256, 131072, 2048, 16, 32, 8192, 1e-5, 128000, 128001), withoutSource(llama));
        LlamaSettings s = LlamaSettings.of(llama);
        assertEquals(8, s.kvHeads());
        assertEquals(64, s.headDim());
        assertTrue(s.tied());
        // llama3 scaling keeps the fastest frequency and divides the slowest by the factor.
        assertEquals(1.0, s.inverseFrequencies()[0], 1e-12);
        assertEquals(Math.pow(500000.0, -62.0 / 64) / 32, s.inverseFrequencies()[31], 1e-15);
        Map<String, Shape> shapes = Llama.expectedShapes(llama);
        assertFalse(shapes.containsKey("lm_head.weight"));
        assertEquals(new Shape(512, 2048), shapes.get("model.layers.15.self_attn.k_proj.weight"));
        assertEquals(2 + 16 * 9, shapes.size());

        ModelConfig mistral = read(MISTRAL);
        assertEquals(4096, LlamaSettings.of(mistral).slidingWindow());
        assertTrue(Llama.expectedShapes(mistral).containsKey("lm_head.weight"));
        assertEquals(0.01, LlamaSettings.of(mistral).inverseFrequencies()[32], 1e-15); // 10000^(-64/128)

        ModelConfig qwen = read(QWEN2);
        LlamaSettings q = LlamaSettings.of(qwen);
        assertEquals(0, q.slidingWindow(), "use_sliding_window false: no window");
        assertEquals(64, q.headDim());
        assertEquals(new Shape(128), Llama.expectedShapes(qwen).get("model.layers.0.self_attn.k_proj.bias"));
        assertFalse(Llama.expectedShapes(qwen).containsKey("model.layers.0.self_attn.o_proj.bias"));
        assertEquals(151643, qwen.eosId());
        ObjectNode windowed = (ObjectNode) LlamaTiny.JSON.readTree(QWEN2);
        windowed.put("use_sliding_window", true); // max_window_layers 24: no layer from 24 on in 24 layers
        assertEquals(0, LlamaSettings.of(read(windowed.toString())).slidingWindow());
        windowed.put("max_window_layers", 20);
        assertEquals(131072, LlamaSettings.of(read(windowed.toString())).slidingWindow());
    }

    private static ModelConfig withoutSource(ModelConfig c) {
        return new ModelConfig(c.arch(), c.vocabSize(), c.contextLength(), c.hiddenSize(), c.numLayers(), c.numHeads(),
                c.innerSize(), c.layerNormEps(), c.bosId(), c.eosId());
    }

    @Test
    void writeKeepsTheSourceAndItsQuirks() throws Exception {
        LlamaArchitecture arch = LlamaTiny.ARCH;
        for (String json : new String[] {LLAMA32, MISTRAL, QWEN2}) {
            ModelConfig c = read(json);
            ObjectNode written = arch.writeConfig(c);
            assertEquals(LlamaTiny.JSON.readTree(json), written, "a read config writes back unchanged");
            assertEquals(c, arch.readConfig(written));
        }
        // A changed generic field is written; the list of eos ids survives while eos is unchanged.
        ModelConfig c = read(LLAMA32);
        ModelConfig bigger = new ModelConfig(c.arch(), 128300, c.contextLength(), c.hiddenSize(), c.numLayers(),
                c.numHeads(), c.innerSize(), c.layerNormEps(), c.bosId(), c.eosId(), c.source());
        ObjectNode written = arch.writeConfig(bigger);
        assertEquals(128300, written.get("vocab_size").intValue());
        assertEquals(3, written.get("eos_token_id").size());
        assertEquals("llama3", written.get("rope_scaling").get("rope_type").asText());
    }

    @Test
    void aConfigWithoutSourceWritesACompleteLlamaConfig() {
        ModelConfig plain = new ModelConfig("llama", 96, 64, 32, 2, 4, 64, 1e-5, 1, -1);
        ObjectNode written = LlamaTiny.ARCH.writeConfig(plain);
        assertEquals("llama", written.get("model_type").asText());
        assertEquals("LlamaForCausalLM", written.get("architectures").get(0).asText());
        assertEquals(4, written.get("num_key_value_heads").intValue());
        assertTrue(written.get("eos_token_id").isNull());
        assertFalse(written.get("tie_word_embeddings").booleanValue());
        assertEquals(withoutSource(LlamaTiny.ARCH.readConfig(written)), plain);
        try (NDManager m = NDManager.newBaseManager();
                Llama model = Llama.init(plain, m, new Rng(3))) {
            assertEquals(4, model.numKeyValueHeads());
            assertArrayEquals(new long[] {2, 3, 96}, model.forward(ModelInput.ofIds(m.zeros(new Shape(2, 3),
                    ai.djl.ndarray.types.DataType.INT64))).logits().getShape().getShape());
        }
    }

    @Test
    void badConfigsNameConfigJsonAndTheField() {
        assertRejected(o -> o.remove("hidden_size"), "missing field 'hidden_size'");
        assertRejected(o -> o.remove("num_attention_heads"), "missing field 'num_attention_heads'");
        assertRejected(o -> o.put("num_key_value_heads", 3), "'num_key_value_heads'");
        assertRejected(o -> o.putObject("rope_scaling").put("rope_type", "dynamic").put("factor", 2.0), "'rope_scaling'");
        assertRejected(o -> o.putObject("rope_scaling").put("type", "yarn").put("factor", 4.0), "'rope_scaling'");
        assertRejected(o -> o.putObject("rope_scaling").put("rope_type", "linear"), "'rope_scaling'");
        assertRejected(o -> o.put("rope_scaling", "linear"), "'rope_scaling'");
        assertRejected(o -> o.put("hidden_act", "gelu"), "'hidden_act'");
        assertRejected(o -> o.put("head_dim", 7), "'head_dim'");
        assertRejected(o -> o.put("partial_rotary_factor", 0.5), "'partial_rotary_factor'");
        assertRejected(o -> o.put("rms_norm_eps", "small"), "'rms_norm_eps'");
        assertRejected(o -> o.put("vocab_size", 0), "'vocab_size'");
        assertRejected(o -> o.put("bos_token_id", 500), "bos/eos id");
    }

    private static void assertRejected(Consumer<ObjectNode> edit, String expected) {
        ObjectNode json = LlamaTiny.llamaJson();
        edit.accept(json);
        var e = assertThrows(IllegalArgumentException.class, () -> LlamaTiny.ARCH.readConfig(json));
        assertTrue(e.getMessage().startsWith("config.json") && e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void loadingABadDirectoryNamesTheFileAndField(@TempDir Path tmp) throws Exception {
        try (NDManager m = NDManager.newBaseManager();
                Llama model = LlamaTiny.model(LlamaTiny.llamaJson(), m, 5L)) {
            Models.save(model, tmp.resolve("good"));
            Path config = tmp.resolve("good").resolve(Models.CONFIG);
            ObjectNode json = (ObjectNode) LlamaTiny.JSON.readTree(config.toFile());
            json.put("num_key_value_heads", 3);
            Files.writeString(config, LlamaTiny.JSON.writeValueAsString(json));
            var e = assertThrows(ModelLoadException.class, () -> Models.load(tmp.resolve("good"), m));
            assertTrue(e.getMessage().contains("config.json") && e.getMessage().contains("'num_key_value_heads'"),
                    e.getMessage());
            assertTrue(e.path().endsWith(Models.CONFIG));
        }
    }

    @Test
    void weightsMustMatchTheConfig() {
        try (NDManager m = NDManager.newBaseManager()) {
            ModelConfig untied = LlamaTiny.config(LlamaTiny.llamaJson());
            Map<String, NDArray> w = LlamaTiny.random(untied, m, 1L);
            w.remove("lm_head.weight");
            var e = assertThrows(IllegalArgumentException.class, () -> Llama.fromWeights(untied, w, m.newSubManager()));
            assertTrue(e.getMessage().contains("'lm_head.weight'") && e.getMessage().contains("config.json"),
                    e.getMessage());
            // A tied checkpoint that stores lm_head.weight anyway loads; the copy is ignored.
            ModelConfig tied = LlamaTiny.config(LlamaTiny.qwen2Json());
            Map<String, NDArray> tw = LlamaTiny.random(tied, m, 2L);
            tw.put("lm_head.weight", m.zeros(new Shape(96, 32)));
            tw.put("model.layers.0.self_attn.rotary_emb.inv_freq", m.zeros(new Shape(4)));
            try (Llama model = Llama.fromWeights(tied, tw, m.newSubManager())) {
                assertSame(model.inputEmbeddings(), model.parameters().get("model.embed_tokens.weight"));
            }
            Map<String, NDArray> bad = LlamaTiny.random(tied, m, 3L);
            bad.put("model.layers.1.mlp.up_proj.weight", m.zeros(new Shape(32, 64)));
            e = assertThrows(IllegalArgumentException.class, () -> Llama.fromWeights(tied, bad, m.newSubManager()));
            assertTrue(e.getMessage().contains("'model.layers.1.mlp.up_proj.weight' has shape (32, 64), expected (64, 32)"),
                    e.getMessage());
        }
    }

    @Test
    void slidingWindowIsRefusedOnlyWhenItWouldMatter() {
        ObjectNode json = LlamaTiny.llamaJson();
        json.put("model_type", "mistral");
        json.put("sliding_window", 6);
        try (NDManager m = NDManager.newBaseManager();
                Llama model = LlamaTiny.model(json, m, 4L)) {
            assertEquals(new Shape(1, 6, 96), model.forward(ModelInput.ofIds(m.zeros(new Shape(1, 6),
                    ai.djl.ndarray.types.DataType.INT64))).logits().getShape());
            var e = assertThrows(IllegalArgumentException.class, () -> model.forward(ModelInput.ofIds(
                    m.zeros(new Shape(1, 7), ai.djl.ndarray.types.DataType.INT64))));
            assertTrue(e.getMessage().contains("sliding_window 6") && e.getMessage().contains("config.json"),
                    e.getMessage());
        }
    }
}
