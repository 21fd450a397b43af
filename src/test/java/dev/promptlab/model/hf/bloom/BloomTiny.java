package dev.promptlab.model.hf.bloom;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptlab.model.hf.HfTestModels;

/** Tiny BLOOM configs for tests: 6 heads (not a power of two, so ALiBi's extra slopes are in use). */
final class BloomTiny {
    private BloomTiny() {}

    static ObjectNode config() {
        return HfTestModels.json("model_type", "bloom", "vocab_size", 96, "hidden_size", 24, "n_layer", 2,
                "n_head", 6, "layer_norm_epsilon", 1e-5, "bos_token_id", 1, "eos_token_id", 2, "seq_length", 24,
                "apply_residual_connection_post_layernorm", false, "pretraining_tp", 1, "slow_but_exact", false);
    }

    /** Older key spellings (n_embed, num_hidden_layers), 4 heads, and the post-LayerNorm residual. */
    static ObjectNode variant() {
        ObjectNode o = HfTestModels.json("model_type", "bloom", "vocab_size", 80, "n_embed", 16,
                "num_hidden_layers", 3, "n_head", 4, "seq_length", 20,
                "apply_residual_connection_post_layernorm", true);
        return o;
    }

    static Bloom model(ObjectNode json, NDManager manager, long seed) {
        return (Bloom) HfTestModels.random(new BloomArchitecture(), json, Bloom::expectedShapes, manager, seed);
    }
}
