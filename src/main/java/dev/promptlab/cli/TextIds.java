package dev.promptlab.cli;

import dev.promptlab.tokenize.Tokenizer;

/** The ids a model reads for a text: BOS first when the tokenizer's models expect one. */
final class TextIds {
    private TextIds() {}

    static int[] of(Tokenizer tokenizer, String text, boolean special) {
        int[] ids = tokenizer.encode(text);
        if (!special || !tokenizer.addsBos() || tokenizer.bosId() < 0) {
            return ids;
        }
        int[] withBos = new int[ids.length + 1];
        withBos[0] = tokenizer.bosId();
        System.arraycopy(ids, 0, withBos, 1, ids.length);
        return withBos;
    }
}
