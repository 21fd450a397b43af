package dev.promptlab.model;

/**
 * What a model carries from one decoding step to the next (a transformer's key/value cache, a
 * recurrent network's hidden state). Opaque to generic code: a decoder only hands back what the
 * model returned. Implementations own native arrays and must be closed.
 */
public interface DecodingState extends AutoCloseable {
    /** Number of positions already consumed (prefix positions included). */
    int length();

    @Override
    void close();
}
