package dev.promptlab.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.promptlab.model.Architectures;
import dev.promptlab.model.LanguageModel;
import dev.promptlab.model.ModelConfig;
import dev.promptlab.task.EncodedExample;
import dev.promptlab.tensor.Rng;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A tiny GPT and data for the training-loop tests of this package. */
final class TinyTraining {
    static final int VOCAB = 40;

    private TinyTraining() {}

    /** A 1-layer GPT, 16 wide, with seeded random weights. */
    static LanguageModel gpt(NDManager manager, long seed) {
        ModelConfig config = new ModelConfig("gpt", VOCAB, 32, 16, 1, 2, 64, 1e-5, 0, 1);
        return Architectures.byName("gpt").init(config, manager, new Rng(seed));
    }

    /** {@code n} examples of random lengths (context 2-6 tokens, target 1-2). */
    static List<EncodedExample> examples(int n, long seed) {
        Rng rng = new Rng(seed);
        List<EncodedExample> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int[] context = new int[2 + rng.nextInt(5)];
            int[] target = new int[1 + rng.nextInt(2)];
            for (int j = 0; j < context.length; j++) {
                context[j] = 2 + rng.nextInt(VOCAB - 2);
            }
            for (int j = 0; j < target.length; j++) {
                target[j] = 2 + rng.nextInt(VOCAB - 2);
            }
            out.add(new EncodedExample(context, target));
        }
        return out;
    }

    /** A token stream of {@code n} random ids. */
    static int[] stream(int n, long seed) {
        Rng rng = new Rng(seed);
        int[] s = new int[n];
        for (int i = 0; i < n; i++) {
            s[i] = rng.nextInt(VOCAB);
        }
        return s;
    }

    /** The values of {@code params}, copied out. */
    static Map<String, float[]> values(Map<String, NDArray> params) {
        Map<String, float[]> out = new LinkedHashMap<>();
        params.forEach((k, v) -> out.put(k, v.toFloatArray()));
        return out;
    }
}
