package dev.promptlab.model;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptlab.tensor.Rng;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ArchitecturesTest {
    @Test
    void registryKnowsBothFamilies() {
        assertEquals("gpt2", Architectures.byName("gpt").modelType());
        assertEquals("lstm", Architectures.byModelType("promptlab-lstm").name());
        var e = assertThrows(IllegalArgumentException.class, () -> Architectures.byName("rnn"));
        assertTrue(e.getMessage().contains("gpt, lstm"), e.getMessage());
    }

    @Test
    void configsRoundTripThroughJson() throws Exception {
        ObjectMapper json = new ObjectMapper();
        for (ModelConfig c : new ModelConfig[] {TinyModels.gptConfig(), TinyModels.lstmConfig(),
                new ModelConfig("gpt", 100, 64, 32, 3, 4, 48, 1e-6, -1, -1)}) {
            Architecture arch = Architectures.byName(c.arch());
            ObjectNode written = arch.writeConfig(c);
            assertEquals(arch.modelType(), written.get("model_type").asText());
            assertEquals(c, arch.readConfig(json.readTree(json.writeValueAsString(written))));
        }
        ObjectNode gpt2 = Architectures.byName("gpt").writeConfig(TinyModels.gptConfig());
        assertEquals("GPT2LMHeadModel", gpt2.get("architectures").get(0).asText());
        assertTrue(gpt2.get("n_inner").isNull());
        assertEquals(0.0, gpt2.get("attn_pdrop").asDouble());
    }

    @Test
    void readsRealGpt2ConfigKeys() throws Exception {
        // The keys of openai-community/gpt2's config.json (n_ctx, no n_inner, extra task fields).
        String real = "{\"activation_function\": \"gelu_new\", \"architectures\": [\"GPT2LMHeadModel\"],"
                + " \"attn_pdrop\": 0.1, \"bos_token_id\": 50256, \"embd_pdrop\": 0.1, \"eos_token_id\": 50256,"
                + " \"initializer_range\": 0.02, \"layer_norm_epsilon\": 1e-05, \"model_type\": \"gpt2\","
                + " \"n_ctx\": 1024, \"n_embd\": 768, \"n_head\": 12, \"n_layer\": 12, \"n_positions\": 1024,"
                + " \"resid_pdrop\": 0.1, \"summary_activation\": null, \"task_specific_params\": {}, \"vocab_size\": 50257}";
        ModelConfig c = Architectures.byModelType("gpt2").readConfig(new ObjectMapper().readTree(real));
        assertEquals(new ModelConfig("gpt", 50257, 1024, 768, 12, 12, 3072, 1e-5, 50256, 50256), c);
    }

    @Test
    void initThroughTheRegistry() {
        try (NDManager m = NDManager.newBaseManager()) {
            assertInstanceOf(Gpt.class, Architectures.byName("gpt").init(TinyModels.gptConfig(), m, new Rng(1)));
            assertInstanceOf(Lstm.class, Architectures.byName("lstm").init(TinyModels.lstmConfig(), m, new Rng(1)));
        }
    }
}
