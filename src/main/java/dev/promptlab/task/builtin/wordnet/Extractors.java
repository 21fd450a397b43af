package dev.promptlab.task.builtin.wordnet;

import dev.promptlab.task.builtin.wordnet.WordNet.Synset;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The example extractors of the built-in tasks, one small method each. They keep examples short
 * (definitions of at most {@value #MAX_DEFINITION_WORDS} words) and skip proper nouns, so that
 * the small built-in models can read them whole.
 */
final class Extractors {
    static final int MAX_DEFINITION_WORDS = 25;
    /**
     * Fewest occurrences in WordNet's gloss text of the word a generation task asks about (and,
     * for name and hypernym, answers with): rarer words would be out of a bounded word-level
     * vocabulary (~16k words), so no word-level model could read them.
     */
    static final int MIN_WORD_COUNT = 10;
    private static final Pattern PLAIN_WORD = Pattern.compile("[a-z]+");

    private Extractors() {}

    /** Noun definitions labelled with their lexicographer category (only those in {@code categories}). */
    static List<Item> nounTopic(WordNet wn, Set<String> categories) {
        return categoryOf(wn, "noun", categories);
    }

    /** Verb definitions labelled with their lexicographer category (only those in {@code categories}). */
    static List<Item> verbTopic(WordNet wn, Set<String> categories) {
        return categoryOf(wn, "verb", categories);
    }

    private static List<Item> categoryOf(WordNet wn, String pos, Set<String> categories) {
        List<Item> out = new ArrayList<>();
        for (Synset s : wn.synsets()) {
            if (s.pos().equals(pos) && categories.contains(s.category()) && usable(s)) {
                out.add(Item.of(s.head(), s.definition(), s.category()));
            }
        }
        return out;
    }

    /** Every definition labelled with the part of speech of the word it defines. */
    static List<Item> definitionPos(WordNet wn) {
        List<Item> out = new ArrayList<>();
        for (Synset s : wn.synsets()) {
            if (usable(s)) {
                out.add(Item.of(s.head(), s.definition(), s.pos()));
            }
        }
        return out;
    }

    /** A lemma quoted with an example sentence that uses it, labelled with the lemma's part of speech there. */
    static List<Item> examplePos(WordNet wn) {
        List<Item> out = new ArrayList<>();
        for (Synset s : wn.synsets()) {
            if (!usable(s)) {
                continue;
            }
            for (String example : s.examples()) {
                String lemma = lemmaUsedIn(s, example);
                if (lemma != null && words(example) <= MAX_DEFINITION_WORDS) {
                    out.add(Item.of(lemma, "\"" + lemma + "\" in \"" + example + "\"", s.pos()));
                    break; // one example per synset keeps the parts of speech from being dominated by long glosses
                }
            }
        }
        return out;
    }

    private static String lemmaUsedIn(Synset s, String example) {
        String padded = " " + example.toLowerCase().replaceAll("[^a-z' -]", " ") + " ";
        for (String lemma : s.lemmas()) {
            if (PLAIN_WORD.matcher(lemma).matches() && padded.contains(" " + lemma + " ")) {
                return lemma;
            }
        }
        return null;
    }

    /**
     * Adjective definitions labelled positive or negative: the head adjectives of evaluative
     * antonym clusters (good/bad, happy/unhappy, ...) and their similar-to satellites take the
     * polarity of their head. A synset reached from both sides is dropped.
     */
    static List<Item> polarity(WordNet wn, List<String[]> positiveNegativePairs) {
        Map<String, String> label = new LinkedHashMap<>();
        Set<String> conflicted = new java.util.HashSet<>();
        for (String[] pair : positiveNegativePairs) {
            mark(wn, pair[0], "positive", label, conflicted);
            mark(wn, pair[1], "negative", label, conflicted);
        }
        List<Item> out = new ArrayList<>();
        for (Map.Entry<String, String> e : label.entrySet()) {
            Synset s = wn.synset(e.getKey());
            if (!conflicted.contains(e.getKey()) && usable(s)) {
                out.add(Item.of(s.head(), s.definition(), e.getValue()));
            }
        }
        return out;
    }

    private static void mark(WordNet wn, String lemma, String polarity, Map<String, String> label, Set<String> conflicted) {
        Synset head = wn.firstSense("adjective", lemma);
        if (head == null) {
            throw new IllegalStateException("WordNet has no adjective '" + lemma + "' (polarity seed list)");
        }
        List<String> cluster = new ArrayList<>();
        cluster.add(head.key());
        cluster.addAll(head.similar());
        for (String key : cluster) {
            String before = label.putIfAbsent(key, polarity);
            if (before != null && !before.equals(polarity)) {
                conflicted.add(key);
            }
        }
    }

    /** The most frequent sense of each plain noun: word → its definition. */
    static List<Item> define(WordNet wn) {
        List<Item> out = new ArrayList<>();
        for (Synset s : wn.synsets()) {
            if (s.pos().equals("noun") && usable(s) && common(wn, s.head()) && wn.firstSense("noun", s.head()) == s) {
                out.add(Item.of(s.head(), s.head(), s.definition()));
            }
        }
        return out;
    }

    /**
     * Definition → the word it defines, for nouns whose head lemma has this synset as its most
     * frequent sense and which have no other lemma (so the answer is unique).
     */
    static List<Item> name(WordNet wn) {
        List<Item> out = new ArrayList<>();
        for (Synset s : wn.synsets()) {
            if (s.pos().equals("noun") && s.lemmas().size() == 1 && usable(s) && common(wn, s.head())
                    && wn.firstSense("noun", s.head()) == s) {
                out.add(Item.of(s.head(), s.definition(), s.head()));
            }
        }
        return out;
    }

    /** Plain noun (most frequent sense) → the head lemma of its first hypernym, when that is a plain word. */
    static List<Item> hypernym(WordNet wn) {
        List<Item> out = new ArrayList<>();
        for (Synset s : wn.synsets()) {
            if (!s.pos().equals("noun") || s.hypernyms().isEmpty() || !common(wn, s.head())
                    || wn.firstSense("noun", s.head()) != s) {
                continue;
            }
            Synset parent = wn.synset(s.hypernyms().get(0));
            if (parent != null && common(wn, parent.head())) {
                out.add(Item.of(s.head(), s.head(), parent.head()));
            }
        }
        return out;
    }

    /**
     * Adjective → its antonym (WordNet's lexical antonym pointer), plain words only. Each
     * unordered pair is asked once, in the direction a hash of the pair picks, so that a test
     * pair is never seen reversed in training; both words are lemmas of the item.
     */
    static List<Item> antonym(WordNet wn) {
        List<Item> out = new ArrayList<>();
        Map<String, Boolean> seen = new HashMap<>();
        for (Synset s : wn.synsets()) {
            if (!s.pos().equals("adjective")) {
                continue;
            }
            for (String lemma : s.lemmas()) {
                List<String> opposite = s.antonyms().get(lemma);
                if (opposite == null || !common(wn, lemma) || !PLAIN_WORD.matcher(opposite.get(0)).matches()) {
                    continue;
                }
                String a = lemma.compareTo(opposite.get(0)) < 0 ? lemma : opposite.get(0);
                String b = a.equals(lemma) ? opposite.get(0) : lemma;
                if (seen.put(a + " " + b, true) != null) {
                    continue;
                }
                boolean forward = (Split.hash(a + " " + b) & 1) == 0;
                String from = forward ? a : b;
                String to = forward ? b : a;
                out.add(new Item(List.of(from, to), new dev.promptlab.task.Example(from, to)));
            }
        }
        return out;
    }

    /** Singular → irregular plural, from WordNet's noun exception list (plain words only). */
    static List<Item> plural(WordNet wn) {
        List<Item> out = new ArrayList<>();
        new java.util.TreeMap<>(wn.irregularPlurals()).forEach((singular, plurals) -> {
            String plural = plurals.get(0);
            if (common(wn, singular) && PLAIN_WORD.matcher(plural).matches() && !plural.equals(singular)) {
                out.add(Item.of(singular, singular, plural));
            }
        });
        return out;
    }

    /** A plain lower-case word seen at least {@value #MIN_WORD_COUNT} times in the glosses. */
    private static boolean common(WordNet wn, String word) {
        return PLAIN_WORD.matcher(word).matches() && wn.wordCount(word) >= MIN_WORD_COUNT;
    }

    /** Not a proper noun, a definition that is short enough and not empty. */
    private static boolean usable(Synset s) {
        return !s.head().isEmpty() && !Character.isUpperCase(s.head().charAt(0)) && !s.definition().isEmpty()
                && words(s.definition()) <= MAX_DEFINITION_WORDS;
    }

    static int words(String s) {
        String t = s.trim();
        return t.isEmpty() ? 0 : t.split("\\s+").length;
    }
}
