package dev.promptlab.task.builtin.wordnet;

import dev.promptlab.task.Example;

import java.util.List;

/**
 * One extracted example and the lemmas it is about: first the anchor (the word it asks about),
 * whose {@link Split#of split} the item takes, then any other word it names (for antonyms, the
 * answer). Within a task an item whose other lemmas already belong to a different split is
 * dropped, so no lemma appears in two splits.
 */
public record Item(List<String> lemmas, Example example) {
    public Item {
        lemmas = List.copyOf(lemmas);
        if (lemmas.isEmpty()) {
            throw new IllegalArgumentException("an item needs at least one lemma");
        }
    }

    static Item of(String lemma, String input, String output) {
        return new Item(List.of(lemma), new Example(input, output));
    }

    /** The split of the anchor lemma. */
    Split split() {
        return Split.of(lemmas.get(0));
    }
}
