package dev.promptlab.adapt;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.promptlab.model.LanguageModel;
import dev.promptlab.model.ModelInput;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One batch, several adapters: batch row i runs with adapter {@code rows[i]}. The adapters are
 * prompts of one shape, either all {@link PromptEmbeddings} (soft prompts, P-tuning) of equal
 * length, stacked into (R, P, C), or all {@link KeyValuePrompt}s (prefix tuning) of equal length,
 * stacked into (R, 2L, kvHeads, P, headSize); each row picks its own. Every row sees exactly
 * what its adapter alone would give it, and since rows never mix, each adapter's gradient comes
 * only from its own rows. Parameters are named {@code "<k>/<name>"} for adapter k. The adapters
 * stay owned by the caller.
 */
public final class MixedAdapters implements Adapter {
    public static final String METHOD = "mixed";

    private final List<Adapter> adapters;
    private final int[] rows;
    private final boolean keyValue;

    /**
     * @param adapters R adapters of one family and one length
     * @param rows for each batch row, the index of its adapter in [0, R)
     */
    public MixedAdapters(List<? extends Adapter> adapters, int[] rows) {
        if (adapters.isEmpty()) {
            throw new IllegalArgumentException("a mixed batch needs at least one adapter");
        }
        this.adapters = List.copyOf(adapters);
        this.rows = rows.clone();
        this.keyValue = adapters.get(0) instanceof KeyValuePrompt;
        for (Adapter a : adapters) {
            if (keyValue ? !(a instanceof KeyValuePrompt) : !(a instanceof PromptEmbeddings)) {
                throw new IllegalArgumentException("a mixed batch stacks prompts of one family (soft prompts and"
                        + " P-tuning, or prefixes); got " + a.method() + " with " + adapters.get(0).method());
            }
            if (a.contextPositions() != adapters.get(0).contextPositions()) {
                throw new IllegalArgumentException("a mixed batch stacks prompts of one length; got "
                        + a.contextPositions() + " and " + adapters.get(0).contextPositions());
            }
        }
        for (int i = 0; i < rows.length; i++) {
            if (rows[i] < 0 || rows[i] >= adapters.size()) {
                throw new IllegalArgumentException("row " + i + " names adapter " + rows[i] + ", outside [0, "
                        + adapters.size() + ")");
            }
        }
    }

    @Override
    public String method() {
        return METHOD;
    }

    @Override
    public Map<String, NDArray> parameters() {
        Map<String, NDArray> p = new LinkedHashMap<>();
        for (int k = 0; k < adapters.size(); k++) {
            final int index = k;
            adapters.get(k).parameters().forEach((name, a) -> p.put(index + "/" + name, a));
        }
        return p;
    }

    @Override
    public int virtualTokens() {
        return adapters.get(0).virtualTokens();
    }

    @Override
    public int contextPositions() {
        return adapters.get(0).contextPositions();
    }

    @Override
    public ModelInput apply(ModelInput input, LanguageModel model) {
        if (input.batchSize() != rows.length) {
            throw new IllegalArgumentException("the batch has " + input.batchSize() + " rows but the mixed adapter"
                    + " assigns " + rows.length);
        }
        if (input.past() != null) {
            return input; // the prompts went in with the first call and live in the decoding state
        }
        NDManager scope = VirtualTokens.scope(input);
        List<NDArray> each = new ArrayList<>(adapters.size());
        for (Adapter a : adapters) {
            each.add(keyValue ? ((KeyValuePrompt) a).keyValues(scope, model) // (2L, kvH, P, hd)
                    : ((PromptEmbeddings) a).virtualEmbeddings(scope, model)); // (P, C)
        }
        NDArray picked = VirtualTokens.perRow(each, rows, scope); // (B, 2L, kvH, P, hd) or (B, P, C)
        return keyValue ? VirtualTokens.prefix(input, picked) : VirtualTokens.prepend(input, model, picked);
    }

    /** The adapters belong to the caller. */
    @Override
    public void close() {}
}
