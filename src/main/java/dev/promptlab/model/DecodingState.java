package dev.promptlab.model;

/**
 * What a model carries from one decoding step to the next (a transformer's key/value cache, a
 * recurrent network's hidden state). Opaque to generic code: a decoder only hands back what the
 * model returned. Implementations own native arrays and must be closed.
 */
public interface DecodingState extends AutoCloseable {
    /** Number of positions already consumed (prefix positions included). */
    int length();

    /**
     * A new state whose row i continues row {@code rows[i]} of this one (beam search keeps the
     * best continuations, which may repeat or drop rows). Its arrays live in a new child manager
     * of {@code manager}; this state stays valid and must still be closed.
     *
     * @throws UnsupportedOperationException if the model's state cannot be reordered
     */
    default DecodingState reorder(int[] rows, ai.djl.ndarray.NDManager manager) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot be reordered (beam search needs it)");
    }

    @Override
    void close();
}
