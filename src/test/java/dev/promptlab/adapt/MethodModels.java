package dev.promptlab.adapt;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptlab.model.Architectures;
import dev.promptlab.model.hf.HfTestModels;
import dev.promptlab.model.LanguageModel;
import dev.promptlab.model.ModelConfig;
import dev.promptlab.tensor.Rng;
import dev.promptlab.train.Batch;
import dev.promptlab.train.BatchSource;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * The tiny models every adapter method is tested on, generic over {@link LanguageModel}: add an
 * architecture by listing its config here (opt, bloom, llama, ...). Weights are re-drawn large
 * (std 0.3; norm gains around 1) so every component visibly moves the logits.
 */
final class MethodModels {
    private MethodModels() {}

    /** One tiny model: a name for test reports and how to build it. */
    record Case(String name, BiFunction<NDManager, Long, LanguageModel> make) {
        LanguageModel build(NDManager m, long seed) {
            return make.apply(m, seed);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static final int VOCAB = 40;

    static List<Case> all() {
        return List.of(new Case("gpt", (m, seed) -> tiny(new ModelConfig("gpt", VOCAB, 32, 16, 2, 2, 64, 1e-5, 0, 1), m,
                        seed)),
                new Case("opt", (m, seed) -> tiny(HfTestModels.json("model_type", "opt", "vocab_size", VOCAB,
                        "hidden_size", 16, "num_hidden_layers", 2, "num_attention_heads", 2, "ffn_dim", 32,
                        "max_position_embeddings", 32, "word_embed_proj_dim", 16, "do_layer_norm_before", true,
                        "activation_function", "relu", "pad_token_id", 1, "bos_token_id", 0, "eos_token_id", 1), m, seed)),
                new Case("bloom", (m, seed) -> tiny(HfTestModels.json("model_type", "bloom", "vocab_size", VOCAB,
                        "hidden_size", 16, "n_layer", 2, "n_head", 2, "seq_length", 32, "bos_token_id", 0,
                        "eos_token_id", 1), m, seed)),
                // grouped-query attention (4 query heads over 2 key/value heads), untied output layer
                new Case("llama", (m, seed) -> tiny(HfTestModels.json("model_type", "llama", "vocab_size", VOCAB,
                        "hidden_size", 16, "intermediate_size", 32, "num_hidden_layers", 2, "num_attention_heads", 4,
                        "num_key_value_heads", 2, "max_position_embeddings", 32, "tie_word_embeddings", false,
                        "bos_token_id", 0, "eos_token_id", 1), m, seed)));
    }

    /** A model read from a Hugging Face {@code config.json} with large random weights. */
    static LanguageModel tiny(ObjectNode configJson, NDManager m, long seed) {
        ModelConfig config = Architectures.byModelType(configJson.get("model_type").asText()).readConfig(configJson);
        return tiny(config, m, seed);
    }

    /** A model of {@code config}'s architecture with large random weights. */
    static LanguageModel tiny(ModelConfig config, NDManager m, long seed) {
        LanguageModel model = Architectures.byName(config.arch()).init(config, m, new Rng(seed));
        randomise(model, seed + 1);
        return model;
    }

    /** Re-draws every weight in place: matrices N(0, 0.3), gains 1 + N(0, 0.1), other vectors N(0, 0.1). */
    static void randomise(LanguageModel model, long seed) {
        Rng rng = new Rng(seed);
        for (NDArray w : model.parameters().values()) {
            int n = Math.toIntExact(w.getShape().size());
            if (w.getShape().dimension() >= 2) {
                w.set(rng.gaussians(n, 0.3));
                continue;
            }
            float[] old = w.toFloatArray();
            boolean gain = java.util.stream.IntStream.range(0, n).allMatch(i -> old[i] == 1f);
            float[] v = rng.gaussians(n, 0.1);
            for (int i = 0; i < n && gain; i++) {
                v[i] += 1f;
            }
            w.set(v);
        }
    }

    /** Random windows (B, T+1) of ids in [2, V) (0 and 1 are bos / eos). */
    static int[][] windows(long seed, int rows, int length) {
        Rng rng = new Rng(seed);
        int[][] w = new int[rows][length + 1];
        for (int[] row : w) {
            for (int i = 0; i < row.length; i++) {
                row[i] = 2 + rng.nextInt(VOCAB - 2);
            }
        }
        return w;
    }

    /** The same batch every step. */
    static BatchSource fixed(int[][] windows) {
        return new BatchSource() {
            public Batch next(NDManager m) {
                return Batch.ofWindows(windows, m);
            }

            public long[] state() {
                return new long[0];
            }

            public void restore(long[] s) {}
        };
    }

    static Map<String, byte[]> weightBytes(LanguageModel m) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        m.parameters().forEach((k, v) -> out.put(k, v.toByteArray()));
        return out;
    }

    static Shape shape(long... dims) {
        return new Shape(dims);
    }
}
