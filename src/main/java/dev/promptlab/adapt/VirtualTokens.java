package dev.promptlab.adapt;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.promptlab.model.KvPrefix;
import dev.promptlab.model.LanguageModel;
import dev.promptlab.model.ModelInput;
import dev.promptlab.tensor.Scopes;

import java.util.ArrayList;
import java.util.List;

/**
 * What the prompt-learning adapters share: prepending virtual token embeddings (soft prompt,
 * P-tuning) or a per-layer key/value prefix (prefix tuning) to a {@link ModelInput}, for one
 * adapter (a leading axis of 1) or one per batch row ({@link MultiPrompt}).
 */
final class VirtualTokens {
    private VirtualTokens() {}

    /** The step's manager: where the input's arrays live, and where every temporary must go. */
    static NDManager scope(ModelInput input) {
        return (input.ids() != null ? input.ids() : input.embeddings()).getManager();
    }

    /**
     * A view of a long-lived parameter owned by {@code scope}: an op's result lands on its first
     * operand's manager, so everything computed from the view stays in the step.
     */
    static NDArray view(NDArray parameter, NDManager scope) {
        return Scopes.into(scope, parameter.reshape(parameter.getShape())); // same shape, shared storage
    }

    /**
     * Inserts {@code rows} (B or 1, P, C), which live on the input's scope, into the input
     * embeddings after the first {@code position} positions (0 prepends; 1 keeps a
     * beginning-of-sequence input first, as the coin networks need).
     */
    static ModelInput insert(ModelInput input, LanguageModel model, NDArray rows, int position) {
        if (position > input.length()) {
            throw new IllegalArgumentException("the prompt goes after position " + position + " but the input has "
                    + input.length() + " positions");
        }
        NDArray tokens = input.embeddings() != null ? input.embeddings() : model.embed(input.ids()); // (B, T, C)
        int b = input.batchSize();
        Shape s = rows.getShape();
        NDArray prompt = s.get(0) == b ? rows : rows.broadcast(new Shape(b, s.get(1), s.get(2))); // (B, P, C)
        NDArray embeddings = position == 0 ? prompt.concat(tokens, 1) // (B, P+T, C)
                : NDArrays.concat(new NDList(tokens.get(new NDIndex(":, :{}", position)), prompt,
                        tokens.get(new NDIndex(":, {}:", position))), 1); // (B, A+P+T-A, C)
        return withMaskFor(input.withEmbeddings(embeddings), input, (int) s.get(1), position);
    }

    /**
     * Passes {@code kv} (B or 1, 2L, kvHeads, P, headSize), in PEFT's order (for layer l, index 2l
     * holds the keys and 2l+1 the values, as {@code past_key_values.permute([2, 0, 3, 1, 4]).split(2)}
     * gives them), as the input's key/value prefix.
     */
    static ModelInput prefix(ModelInput input, NDArray kv) {
        int layers = (int) kv.getShape().get(1) / 2;
        List<NDArray> keys = new ArrayList<>(layers);
        List<NDArray> values = new ArrayList<>(layers);
        for (int l = 0; l < layers; l++) {
            keys.add(kv.get(new NDIndex(":, {}", 2 * l))); // (B|1, kvHeads, P, headSize)
            values.add(kv.get(new NDIndex(":, {}", 2 * l + 1))); // (B|1, kvHeads, P, headSize)
        }
        return withMaskFor(input.withPrefix(new KvPrefix(keys, values)), input, (int) kv.getShape().get(3), 0);
    }

    /**
     * A padding mask (B, S) grows by P ones where the virtual positions go (in front for a
     * key/value prefix): virtual positions are always attended to.
     */
    private static ModelInput withMaskFor(ModelInput out, ModelInput input, int p, int position) {
        NDArray mask = input.attentionMask(); // (B, S)
        if (mask == null) {
            return out;
        }
        NDArray ones = mask.getManager().ones(new Shape(input.batchSize(), p), mask.getDataType()); // (B, P)
        if (position == 0) {
            return out.withAttentionMask(ones.concat(mask, 1)); // (B, P+S)
        }
        return out.withAttentionMask(NDArrays.concat(new NDList(mask.get(new NDIndex(":, :{}", position)), ones,
                mask.get(new NDIndex(":, {}:", position))), 1)); // (B, P+S)
    }

    /** Stacks one (...) array per adapter into (R, ...) and picks row {@code rows[i]} for batch row i: (B, ...). */
    static NDArray perRow(List<NDArray> perAdapter, int[] rows, NDManager scope) {
        NDArray stacked = NDArrays.stack(new NDList(perAdapter), 0); // (R, ...)
        long[] index = new long[rows.length];
        for (int i = 0; i < rows.length; i++) {
            index[i] = rows[i];
        }
        return Scopes.into(scope, stacked.get(scope.create(index))); // (B, ...)
    }
}
