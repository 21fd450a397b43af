package dev.promptlab.model.hf.opt;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptlab.model.hf.HfTestModels;

/** Tiny OPT configs for tests: the usual pre-LN layout, and OPT-350m's (post-LN, E != C). */
final class OptTiny {
    private OptTiny() {}

    static ObjectNode config() {
        return HfTestModels.json("model_type", "opt", "vocab_size", 96, "hidden_size", 16, "num_hidden_layers", 2,
                "num_attention_heads", 4, "ffn_dim", 32, "max_position_embeddings", 32, "word_embed_proj_dim", 16,
                "do_layer_norm_before", true, "activation_function", "relu", "pad_token_id", 1, "bos_token_id", 2,
                "eos_token_id", 2, "tie_word_embeddings", true);
    }

    /** Like OPT-350m: LayerNorm after each sub-block, no final norm, 12-wide embeddings projected to 16. */
    static ObjectNode projected() {
        ObjectNode o = config();
        o.put("word_embed_proj_dim", 12);
        o.put("do_layer_norm_before", false);
        return o;
    }

    static Opt model(ObjectNode json, NDManager manager, long seed) {
        return (Opt) HfTestModels.random(new OptArchitecture(), json, Opt::expectedShapes, manager, seed);
    }
}
