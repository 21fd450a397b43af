package dev.promptlab.model.hf.opt;

import ai.djl.ndarray.NDManager;
import dev.promptlab.model.LanguageModel;
import dev.promptlab.model.hf.DecoderContractTest;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The decoder contract for OPT-350m's layout: post-LN blocks, embeddings of width E != C with project_in/out. */
class OptProjectedTest extends DecoderContractTest {
    @Override
    protected LanguageModel build(NDManager root) {
        return OptTiny.model(OptTiny.projected(), root, 4321L);
    }

    @Override
    protected List<String> loraTargets() {
        return List.of("model.decoder.project_in.weight", "model.decoder.layers.0.self_attn.v_proj.weight");
    }

    @Test
    void widthIsTheEmbeddingWidthAndThereIsNoFinalNorm() {
        assertEquals(12, model.hiddenSize());
        assertEquals(16, model.config().hiddenSize());
        assertTrue(model.parameters().containsKey("model.decoder.project_out.weight"));
        assertFalse(model.parameters().containsKey("model.decoder.final_layer_norm.weight"));
    }
}
