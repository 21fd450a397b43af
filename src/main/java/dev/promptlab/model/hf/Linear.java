package dev.promptlab.model.hf;

import ai.djl.ndarray.NDArray;
import dev.promptlab.model.LowRank;
import dev.promptlab.tensor.Scopes;

import java.util.Map;

/**
 * One linear layer with the checkpoint name of its weight, under which a {@link LowRank} (LoRA)
 * addition is looked up. The weight is nn.Linear's (out, in), or GPT-2's Conv1D (in, out) when
 * {@code inOut}; the result always lands on the input's manager (the step's), never the weight's.
 *
 * @param name the weight's checkpoint name ("h.0.attn.c_attn.weight"), or null for a layer no
 *     LoRA may reach (a head tied to the input embeddings)
 * @param weight (out, in), or (in, out) when {@code inOut}
 * @param bias (out), or null
 * @param inOut whether the weight is stored (in, out)
 */
public record Linear(String name, NDArray weight, NDArray bias, boolean inOut) {
    /** nn.Linear {@code module}: {@code module.weight} (out, in) and {@code module.bias} when the model has one. */
    public static Linear of(Map<String, NDArray> params, String module) {
        return new Linear(module + ".weight", params.get(module + ".weight"), params.get(module + ".bias"), false);
    }

    /** GPT-2's Conv1D {@code module}: {@code module.weight} (in, out) and {@code module.bias}. */
    public static Linear conv1d(Map<String, NDArray> params, String module) {
        return new Linear(module + ".weight", params.get(module + ".weight"), params.get(module + ".bias"), true);
    }

    /** An output head that is the (V, C) token table itself: no bias, no LoRA. */
    public static Linear tied(NDArray tokenTable) {
        return new Linear(null, tokenTable, null, false);
    }

    /** x (..., in) → (..., out): x·Wᵀ + bias as one fused op, plus the LoRA addition registered under {@link #name}. */
    public NDArray apply(NDArray x, Map<String, LowRank> lora) {
        // a transposed view of a weight is made on the weight's manager: keep it on the step's
        NDArray w = inOut ? Scopes.into(x.getManager(), weight.transpose(1, 0)) : weight; // (out, in)
        NDArray y = x.getNDArrayInternal().linear(x, w, bias).singletonOrThrow(); // (..., out)
        LowRank extra = name == null ? null : lora.get(name);
        return extra == null ? y : y.add(Scopes.into(x.getManager(), extra.delta(x))); // (..., out)
    }
}
