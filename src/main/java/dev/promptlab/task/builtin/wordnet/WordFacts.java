package dev.promptlab.task.builtin.wordnet;

import dev.promptlab.task.builtin.wordnet.WordNet.Synset;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What WordNet states about one common word in its most frequent sense, in the few relations the
 * ICL-study tasks talk about: its part of speech, the class it is a kind of (first hypernym), its
 * group (lexicographer category), its opposite (lexical antonym) and other words of the same
 * meaning (synset lemmas).
 *
 * <p>Split discipline: a word whose own facts are stated is always the item's anchor, and the other
 * words it names are kept only when they fall in the anchor's split ({@link Split#of}), so no
 * test word ever appears in a training item (and dev/test words stay out of pretraining glosses,
 * which are filtered by the same rule). Classes and groups are general words named, not described
 * (as in the {@code hypernym} task), so they may appear in every split.
 *
 * @param word the anchor lemma (a plain, common word)
 * @param pos noun, verb or adjective
 * @param kind head of the first hypernym (a common plain word), or null
 * @param group the lexicographer category (animal, artifact, motion, ...) for nouns and verbs, or null
 * @param opposite a lexical antonym in the anchor's split, or null
 * @param same other lemmas of the synset that are plain common words in the anchor's split
 * @param kindOfKind the class of {@code kind} when {@code kind} is in the anchor's split (its facts are
 *     then stated too), or null
 */
record WordFacts(String word, String pos, String kind, String group, String opposite, List<String> same,
        String kindOfKind) {
    private static final Pattern PLAIN_WORD = Pattern.compile("[a-z]+");
    /** Noun and verb categories too broad or odd to name as a group. */
    private static final Set<String> NO_GROUP = Set.of("Tops", "all", "pert", "ppl");
    /** Fewest gloss occurrences of any word a fact names, so a bounded word-level vocabulary can hold it. */
    static final int MIN_COUNT = 20;

    WordFacts {
        same = List.copyOf(same);
    }

    /** The anchor's split. */
    Split split() {
        return Split.of(word);
    }

    /**
     * An item about these facts: the anchor first, then {@code others}, the words of the anchor's
     * split that the example names (an opposite, a synonym, a class whose own class it states).
     */
    Item item(String input, String output, String... others) {
        List<String> lemmas = new ArrayList<>();
        lemmas.add(word);
        lemmas.addAll(List.of(others));
        return new Item(lemmas, new dev.promptlab.task.Example(input, output));
    }

    /** Facts of every noun, verb and adjective whose head is a common plain word in its most frequent sense, in WordNet order. */
    static List<WordFacts> all(WordNet wn) {
        List<WordFacts> out = new ArrayList<>();
        for (Synset s : wn.synsets()) {
            WordFacts f = of(wn, s);
            if (f != null) {
                out.add(f);
            }
        }
        return out;
    }

    private static WordFacts of(WordNet wn, Synset s) {
        String w = s.head();
        if (s.pos().equals("adverb") || !common(wn, w) || wn.firstSense(s.pos(), w) != s
                || Extractors.words(s.definition()) > Extractors.MAX_DEFINITION_WORDS) {
            return null;
        }
        Split split = Split.of(w);
        String kind = null;
        String kindOfKind = null;
        if (!s.hypernyms().isEmpty()) {
            Synset parent = wn.synset(s.hypernyms().get(0));
            if (parent != null && common(wn, parent.head()) && !parent.head().equals(w)) {
                kind = parent.head();
                Synset grand = parent.hypernyms().isEmpty() ? null : wn.synset(parent.hypernyms().get(0));
                if (grand != null && common(wn, grand.head()) && Split.of(kind) == split
                        && !grand.head().equals(kind) && !grand.head().equals(w)) {
                    kindOfKind = grand.head();
                }
            }
        }
        String group = s.pos().equals("adjective") || NO_GROUP.contains(s.category()) ? null : s.category();
        String opposite = null;
        List<String> antonyms = s.antonyms().get(w);
        if (antonyms != null && common(wn, antonyms.get(0)) && Split.of(antonyms.get(0)) == split) {
            opposite = antonyms.get(0);
        }
        List<String> same = new ArrayList<>();
        for (String lemma : s.lemmas()) {
            if (!lemma.equals(w) && common(wn, lemma) && Split.of(lemma) == split && !lemma.equals(opposite)) {
                same.add(lemma);
            }
        }
        return new WordFacts(w, s.pos(), kind, group, opposite, same, kindOfKind);
    }

    static boolean common(WordNet wn, String word) {
        return PLAIN_WORD.matcher(word).matches() && wn.wordCount(word) >= MIN_COUNT;
    }

    /** "a" or "an" before {@code word}, by its first letter. */
    static String article(String word) {
        return "aeiou".indexOf(word.charAt(0)) >= 0 ? "an" : "a";
    }
}
