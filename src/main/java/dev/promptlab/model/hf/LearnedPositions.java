package dev.promptlab.model.hf;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * A learned position table added to the input embeddings. GPT-2 reads rows start .. start + T − 1
 * whatever the mask; OPT reads Hugging Face's mask positions ({@code cumsum(mask) - 1}, padding at
 * -1) shifted by 2. Positions past the table fail with a message naming the config field.
 */
public final class LearnedPositions {
    private final NDArray table;
    private final int offset;
    private final boolean fromMask;
    private final String limitField;

    /**
     * @param table (positions + offset, C)
     * @param offset the row of position 0 (OPT's 2, a fairseq leftover)
     * @param fromMask whether padding shifts the positions (OPT) or not (GPT-2)
     * @param limitField the config.json field of the table's length, for messages
     */
    public LearnedPositions(NDArray table, int offset, boolean fromMask, String limitField) {
        this.table = table;
        this.offset = offset;
        this.fromMask = fromMask;
        this.limitField = limitField;
    }

    /**
     * The position embeddings of the pass's new tokens: (T, C) when every row has the same
     * positions (no padding, or GPT-2), else (B, T, C).
     */
    public NDArray of(CausalAttention pass) {
        int t = pass.length();
        int start = pass.start();
        if (!fromMask || !pass.masked()) {
            check(pass, start + t - 1);
            NDArray rows = pass.manager().arange(start + offset, start + offset + t, 1, DataType.INT64); // (T)
            return HfLayers.lookup(table, rows); // (T, C)
        }
        int b = pass.batchSize();
        int s = pass.total();
        long[] all = pass.maskPositions(); // (B·S), -1 at padding
        long[] rows = new long[b * t];
        for (int r = 0; r < b; r++) {
            for (int i = 0; i < t; i++) {
                long p = all[r * s + start + i];
                check(pass, p);
                rows[r * t + i] = p + offset;
            }
        }
        return HfLayers.lookup(table, pass.manager().create(rows, new Shape(b, t))); // (B, T, C)
    }

    private void check(CausalAttention pass, long position) {
        long limit = table.getShape().get(0) - offset;
        if (position >= limit) {
            throw new IllegalArgumentException("position " + position + " exceeds " + limitField + " " + limit
                    + " (prefix " + pass.prefixLength() + ", earlier positions " + pass.start() + ", new tokens "
                    + pass.length() + ")");
        }
    }
}
