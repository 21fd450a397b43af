package dev.promptlab.analysis;

import dev.promptlab.tokenize.Tokenizer;

import java.util.Arrays;
import java.util.List;

/**
 * One waywardness target text, tokenized for one model: the prompt trained towards it has as
 * many positions as the text has tokens ({@link #promptLength()}).
 *
 * <p>A text with words the tokenizer cannot write ({@link UnknownWords}) is kept but flagged:
 * {@link #unknownWords()} names them and {@link #writable()} is false. Such a target must not be
 * scored (its projection could never match the text, and its F1 would measure the tokenizer, not
 * the prompt); {@link WaywardTargets#writable} and {@link WaywardTargets#requireWritable} are the
 * two ways to honour that. Texts with no tokens, no writable word, or more tokens than the model
 * can hold beside an input are errors, never flags.
 *
 * @param text the target text as given
 * @param kind what it is to the task
 * @param source where it came from, for messages ({@code "targets.txt line 3"},
 *     {@code "builtin:true of topic"})
 * @param ids its tokens, no special tokens added; at least one
 * @param unknownWords the words the tokenizer cannot write, as written; empty for a writable text
 */
public record TargetText(String text, TargetKind kind, String source, int[] ids, List<String> unknownWords) {

    public TargetText {
        if (text == null || kind == null || source == null || ids == null || unknownWords == null) {
            throw new IllegalArgumentException("a target needs its text, kind, source, ids and unknown words");
        }
        if (ids.length == 0) {
            throw new IllegalArgumentException("target \"" + text + "\" (" + source + ") has no tokens");
        }
        ids = ids.clone();
        unknownWords = List.copyOf(unknownWords);
    }

    /**
     * Tokenizes {@code text} for a model whose context holds {@code contextLength} positions.
     *
     * @throws IllegalArgumentException naming the text and its source when it is blank, has no
     *     tokens or no writable word, or has {@code contextLength} tokens or more (the prompt must
     *     leave at least one position for the input)
     */
    public static TargetText of(String text, TargetKind kind, String source, Tokenizer tokenizer, int contextLength) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("target " + source + " is blank; a target is a non-empty text");
        }
        int[] ids = tokenizer.encode(text);
        if (ids.length == 0) {
            throw new IllegalArgumentException("target \"" + text + "\" (" + source + ") has no tokens under the model's"
                    + " tokenizer");
        }
        if (ids.length >= contextLength) {
            throw new IllegalArgumentException("target \"" + abbreviated(text) + "\" (" + source + ") has " + ids.length
                    + " tokens, but the model's context holds " + contextLength + " positions and the prompt must leave"
                    + " room for the input: at most " + (contextLength - 1) + " tokens");
        }
        List<String> unknown = UnknownWords.of(text, tokenizer);
        if (!unknown.isEmpty() && unknown.size() == text.strip().split("\\s+").length) {
            throw new IllegalArgumentException("target \"" + text + "\" (" + source + ") has no word the model's"
                    + " tokenizer can write (unknown: " + String.join(", ", unknown) + ")");
        }
        return new TargetText(text, kind, source, ids, unknown);
    }

    /** A copy: the record keeps its own. */
    @Override
    public int[] ids() {
        return ids.clone();
    }

    /** P: the number of prompt vectors trained towards this text. */
    public int promptLength() {
        return ids.length;
    }

    /** Whether the tokenizer writes every word (only then may the target be scored). */
    public boolean writable() {
        return unknownWords.isEmpty();
    }

    /** One line for reports and errors: the text, where it came from, and its unknown words if any. */
    public String describe() {
        return "\"" + text + "\" (" + source + ", " + ids.length + " tokens"
                + (writable() ? "" : "; the tokenizer cannot write: " + String.join(", ", unknownWords)) + ")";
    }

    private static String abbreviated(String text) {
        return text.length() <= 80 ? text : text.substring(0, 77) + "...";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TargetText t && text.equals(t.text) && kind == t.kind && source.equals(t.source)
                && Arrays.equals(ids, t.ids) && unknownWords.equals(t.unknownWords);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * text.hashCode() + kind.hashCode()) + Arrays.hashCode(ids);
    }

    @Override
    public String toString() {
        return "TargetText[" + kind + " " + describe() + "]";
    }
}
