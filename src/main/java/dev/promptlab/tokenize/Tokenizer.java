package dev.promptlab.tokenize;

import java.util.List;

/**
 * Text to token ids and back. Implementations never add special tokens in {@link #encode};
 * callers that want a BOS ask {@link #addsBos()} and prepend {@link #bosId()} themselves, so
 * that rendering, loss masks and scoring see every position explicitly.
 */
public interface Tokenizer {
    /** Token ids of {@code text}, no special tokens added. */
    int[] encode(String text);

    /** Text of {@code ids}; special tokens are skipped. */
    String decode(int[] ids);

    /** The surface string of one token as the vocabulary stores it (for inspection). */
    String token(int id);

    /** The id of a vocabulary entry, or -1 if absent. */
    int id(String token);

    int vocabSize();

    /** Beginning-of-sequence id, or -1 when the vocabulary has none. */
    int bosId();

    /** End-of-sequence id, or -1 when the vocabulary has none. */
    int eosId();

    /** Padding id, or -1 when the vocabulary has none (callers then pad with EOS or 0 and mask). */
    int padId();

    /** Whether sequences for this tokenizer's models start with {@link #bosId()}. */
    boolean addsBos();

    /** Ids of all special tokens (never predicted as content, skipped by decode). */
    List<Integer> specialIds();

    /**
     * The ids a model reads for a text on its own: {@link #encode}, with the BOS first when this
     * tokenizer's models expect one and the vocabulary has it.
     */
    default int[] encodeAsSequence(String text) {
        int[] ids = encode(text);
        if (!addsBos() || bosId() < 0) {
            return ids;
        }
        int[] withBos = new int[ids.length + 1];
        withBos[0] = bosId();
        System.arraycopy(ids, 0, withBos, 1, ids.length);
        return withBos;
    }
}
