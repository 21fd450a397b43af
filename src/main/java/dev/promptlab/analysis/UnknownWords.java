package dev.promptlab.analysis;

import dev.promptlab.tokenize.Tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The words of a text that a tokenizer cannot write. A word is unwritable when its encoding
 * contains a special token (such as {@code <unk>}) that the word does not spell out itself: that
 * is how a tokenizer with an unknown token (promptlab's word-level one, WordPiece, SentencePiece
 * without byte fallback) encodes what its vocabulary lacks. Byte-level tokenizers (GPT-2's) can
 * write everything, and find nothing here.
 */
public final class UnknownWords {
    private UnknownWords() {}

    /** The whitespace-separated words of {@code text}, as written, that {@code tokenizer} cannot write; in order. */
    public static List<String> of(String text, Tokenizer tokenizer) {
        Set<Integer> specials = Set.copyOf(tokenizer.specialIds());
        List<String> out = new ArrayList<>();
        if (writes(text, tokenizer, specials)) { // the common case: one encode call for the whole text
            return out;
        }
        for (String word : text.strip().split("\\s+")) {
            if (!word.isEmpty() && !writes(word, tokenizer, specials)) {
                out.add(word);
            }
        }
        return out;
    }

    private static boolean writes(String text, Tokenizer tokenizer, Set<Integer> specials) {
        for (int id : tokenizer.encode(text)) {
            if (specials.contains(id) && !text.contains(tokenizer.token(id))) {
                return false;
            }
        }
        return true;
    }
}
