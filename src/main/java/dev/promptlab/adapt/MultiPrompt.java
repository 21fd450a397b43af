package dev.promptlab.adapt;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.promptlab.model.LanguageModel;
import dev.promptlab.model.ModelInput;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * K prompts in one batch: batch row i runs with prompt {@code rows[i]}. This is the one mechanism
 * for multi-prompt batching, for text models (seeds, γ values, target texts of one study cell
 * trained in one forward/backward of the frozen model) and for the coin networks alike.
 *
 * <p>The prompts are of one family and one length: all {@link PromptEmbeddings} (soft prompts,
 * P-tuning, input prefixes, hard prompts), stacked per step into (K, P, C) and inserted at their
 * common position, or all {@link KeyValuePrompt}s (prefix tuning), stacked into (K, 2L, kvHeads,
 * P, headSize). Each row sees exactly what its prompt alone would give it, padding masks and
 * cached decoding included; since rows never mix, each prompt's gradient comes only from its own
 * rows. Parameters are named {@code "<k>/<name>"} for prompt k; {@link #groups()} lists each
 * prompt's names, for per-prompt gradient clipping. The prompts stay owned by the caller.
 */
public final class MultiPrompt implements Adapter {
    public static final String METHOD = "multi-prompt";

    private final List<Adapter> prompts;
    private final int[] rows;
    private final boolean keyValue;

    /**
     * @param prompts K prompts of one family and one length
     * @param rows for each batch row, the index of its prompt in [0, K)
     */
    public MultiPrompt(List<? extends Adapter> prompts, int[] rows) {
        if (prompts.isEmpty()) {
            throw new IllegalArgumentException("a multi-prompt batch needs at least one prompt");
        }
        this.prompts = List.copyOf(prompts);
        this.rows = rows.clone();
        Adapter first = prompts.get(0);
        this.keyValue = first instanceof KeyValuePrompt;
        if (!keyValue && !(first instanceof PromptEmbeddings)) {
            throw new IllegalArgumentException(first.method() + " is not a prompt (soft prompt, P-tuning, prefix or"
                    + " input prefix); only prompts can differ row by row");
        }
        for (Adapter a : prompts) {
            if (keyValue ? !(a instanceof KeyValuePrompt) : !(a instanceof PromptEmbeddings)) {
                throw new IllegalArgumentException("a multi-prompt batch stacks prompts of one family (virtual tokens,"
                        + " or key/value prefixes); got " + a.method() + " with " + first.method());
            }
            if (a.contextPositions() != first.contextPositions()) {
                throw new IllegalArgumentException("a multi-prompt batch stacks prompts of one length; got "
                        + a.contextPositions() + " and " + first.contextPositions());
            }
            if (!keyValue && ((PromptEmbeddings) a).position() != ((PromptEmbeddings) first).position()) {
                throw new IllegalArgumentException("a multi-prompt batch inserts every prompt at one position; got "
                        + ((PromptEmbeddings) a).position() + " and " + ((PromptEmbeddings) first).position());
            }
        }
        for (int i = 0; i < rows.length; i++) {
            if (rows[i] < 0 || rows[i] >= prompts.size()) {
                throw new IllegalArgumentException("row " + i + " names prompt " + rows[i] + ", outside [0, "
                        + prompts.size() + ")");
            }
        }
    }

    /** K prompts over K contiguous blocks of {@code rowsPerPrompt} rows: row r belongs to prompt r / rowsPerPrompt. */
    public static MultiPrompt blocks(List<? extends Adapter> prompts, int rowsPerPrompt) {
        if (rowsPerPrompt < 1) {
            throw new IllegalArgumentException("rows per prompt must be >= 1, got " + rowsPerPrompt);
        }
        int[] rows = new int[prompts.size() * rowsPerPrompt];
        for (int r = 0; r < rows.length; r++) {
            rows[r] = r / rowsPerPrompt;
        }
        return new MultiPrompt(prompts, rows);
    }

    /** The same prompts with another row assignment (e.g. for a batch of another size). */
    public MultiPrompt withRows(int[] newRows) {
        return new MultiPrompt(prompts, newRows);
    }

    /** The prompts, in order. */
    public List<Adapter> prompts() {
        return prompts;
    }

    /** The prompt of each batch row (a copy). */
    public int[] rows() {
        return rows.clone();
    }

    /** Parameter name of prompt {@code k}'s parameter {@code name}. */
    public static String parameterName(int k, String name) {
        return k + "/" + name;
    }

    /** For each prompt, the names of its parameters in {@link #parameters()}. */
    public List<List<String>> groups() {
        List<List<String>> groups = new ArrayList<>(prompts.size());
        for (int k = 0; k < prompts.size(); k++) {
            final int index = k;
            groups.add(prompts.get(k).parameters().keySet().stream().map(n -> parameterName(index, n)).toList());
        }
        return groups;
    }

    @Override
    public String method() {
        return METHOD;
    }

    @Override
    public Map<String, NDArray> parameters() {
        Map<String, NDArray> p = new LinkedHashMap<>();
        for (int k = 0; k < prompts.size(); k++) {
            final int index = k;
            prompts.get(k).parameters().forEach((name, a) -> p.put(parameterName(index, name), a));
        }
        return p;
    }

    @Override
    public int virtualTokens() {
        return prompts.get(0).virtualTokens();
    }

    @Override
    public int contextPositions() {
        return prompts.get(0).contextPositions();
    }

    @Override
    public ModelInput apply(ModelInput input, LanguageModel model) {
        if (input.batchSize() != rows.length) {
            throw new IllegalArgumentException("the batch has " + input.batchSize() + " rows but the multi-prompt"
                    + " batch assigns " + rows.length + " (" + Arrays.toString(Arrays.copyOf(rows, Math.min(8, rows.length)))
                    + (rows.length > 8 ? " ..." : "") + ")");
        }
        if (input.past() != null) {
            return input; // the prompts went in with the first call and live in the decoding state
        }
        NDManager scope = VirtualTokens.scope(input);
        List<NDArray> each = new ArrayList<>(prompts.size());
        for (Adapter a : prompts) {
            each.add(keyValue ? ((KeyValuePrompt) a).keyValues(scope, model) // (2L, kvH, P, hd)
                    : ((PromptEmbeddings) a).virtualEmbeddings(scope, model)); // (P, C)
        }
        NDArray picked = VirtualTokens.perRow(each, rows, scope); // (B, 2L, kvH, P, hd) or (B, P, C)
        return keyValue ? VirtualTokens.prefix(input, picked)
                : VirtualTokens.insert(input, model, picked, ((PromptEmbeddings) prompts.get(0)).position());
    }

    /** The prompts belong to the caller. */
    @Override
    public void close() {}
}
