package dev.promptlab.model.hf;

import ai.djl.ndarray.NDArray;
import dev.promptlab.model.LowRank;

import java.util.Map;

/** The feed-forward half of a decoder block, x (N, C) → (N, C). */
public interface Mlp {
    NDArray apply(NDArray x, Map<String, LowRank> lora);

    /** down(activation(up(x))): GPT-2, OPT, BLOOM. */
    record FeedForward(Linear up, Linear down, Activation activation) implements Mlp {
        @Override
        public NDArray apply(NDArray x, Map<String, LowRank> lora) {
            return down.apply(activation.apply(up.apply(x, lora)), lora); // (N, F) → (N, C)
        }
    }

    /** down(silu(gate(x)) ⊙ up(x)), llama's SwiGLU. */
    record Gated(Linear gate, Linear up, Linear down) implements Mlp {
        @Override
        public NDArray apply(NDArray x, Map<String, LowRank> lora) {
            NDArray f = Activation.SILU.apply(gate.apply(x, lora)).mul(up.apply(x, lora)); // (N, F)
            return down.apply(f, lora); // (N, C)
        }
    }
}
