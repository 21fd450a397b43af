package dev.promptlab.eval;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptlab.model.Gpt;
import dev.promptlab.model.LoadedModel;
import dev.promptlab.model.ModelConfig;
import dev.promptlab.tensor.Rng;
import dev.promptlab.tokenize.SymbolTokenizer;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The library side of {@code promptlab generate}: the context it reads, the continuation, the JSON. */
class ContinuationsTest {
    private static final List<String> SYMBOLS = List.of("a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k");

    @Test
    void theBareModelContinuesTheTextWithItsBosFirstAsTheGeneratorWould() throws Exception {
        SymbolTokenizer tokenizer = new SymbolTokenizer(SYMBOLS, true); // 11 symbols + <bos> = 12
        assertArrayEquals(new int[] {11, 0, 2, 1}, tokenizer.encodeAsSequence("acb"), "BOS first, then the text");
        assertArrayEquals(new int[] {0, 2, 1}, new SymbolTokenizer(SYMBOLS, false).encodeAsSequence("acb"),
                "no BOS in the vocabulary: the text alone");
        try (NDManager manager = NDManager.newBaseManager()) {
            ModelConfig config = new ModelConfig("gpt", 12, 32, 16, 2, 2, 64, 1e-5, -1, -1);
            LoadedModel loaded = new LoadedModel(Gpt.init(config, manager, new Rng(3)), tokenizer, null);
            DecodingOptions options = new DecodingOptions(6, 0, 1, 1, 1, List.of(), 0);
            List<Continuations.Continuation> out = Continuations.generate(loaded, List.of(), "acb", options);
            assertEquals(1, out.size());
            assertNull(out.get(0).adapter());
            Generation direct = new Generator(loaded.model(), null, tokenizer, tokenizer.eosId())
                    .generate(new int[] {11, 0, 2, 1}, options);
            assertArrayEquals(direct.ids(), out.get(0).generation().ids());

            ObjectNode json = Continuations.toJson("acb", options, out);
            assertEquals("acb", json.get("prompt").asText());
            assertEquals(6, json.get("options").get("maxTokens").asInt(), json.toString());
            ObjectNode g = (ObjectNode) json.get("generations").get(0);
            assertTrue(g.get("adapter").isNull());
            assertEquals(direct.text(), g.get("text").asText());
            assertEquals(direct.ids().length, g.get("ids").size());
            assertEquals(direct.stop().name().toLowerCase(java.util.Locale.ROOT), g.get("stop").asText());
            assertEquals(direct.logProb(), g.get("logprob").asDouble(), 1e-12);
            loaded.close();
        }
    }
}
