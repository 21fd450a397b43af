package dev.promptlab.task.builtin.wordnet;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The extractors of the three generation tasks of the ICL study, one per family of the paper, all
 * over {@link WordFacts} (a word's class, group, opposite and synonyms):
 *
 * <ul>
 *   <li>{@code data-to-text}: a record of fields → a sentence
 *       ({@code word : house ; type : noun ; kind of : dwelling ; group : artifact} →
 *       {@code a house is a dwelling in the artifact group .});</li>
 *   <li>{@code semantic-parse}: a question → a logical form over the relations
 *       ({@code house is a kind of what ?} → {@code kind ( house )});</li>
 *   <li>{@code logic-to-text}: a logical form with its values → a sentence
 *       ({@code and ( kind ( wolf ) = eat , group ( wolf ) = consumption )} →
 *       {@code to wolf is a way to eat , a verb of consumption .}).</li>
 * </ul>
 *
 * <p>Why similar demonstrations help only sometimes: each task has several shapes (which fields a
 * record has; which question template; which logical operator), some frequent and some rare, and
 * the realisation of a shape can depend on what the input does not show (in logic-to-text a
 * verb's class reads "to wolf is a way to eat", a noun's "a house is a kind of dwelling", from the
 * same input form). The nearest training input then shows the right shape for inputs of frequent,
 * unambiguous shapes and a wrong or partial one for the others. Outputs are written in the word
 * tokenizer's normal form (lower case, punctuation spaced) so decoded predictions compare exactly.
 * The shape of an item is a pure function of its word (a hash), so the tasks are deterministic.
 */
final class RelationTasks {
    private RelationTasks() {}

    // ------------------------------------------------------------------ data-to-text

    /** One item per word with at least one fact beyond its part of speech. */
    static List<Item> dataToText(WordNet wn) {
        List<Item> out = new ArrayList<>();
        for (WordFacts f : WordFacts.all(wn)) {
            // a synonym is shown for some words only, so that records of one word class differ in shape
            String same = !f.same().isEmpty() && pick("record-same/" + f.word(), 2) == 0 ? f.same().get(0) : null;
            if (f.kind() == null && f.group() == null && f.opposite() == null && same == null) {
                continue;
            }
            StringBuilder in = new StringBuilder("word : ").append(f.word()).append(" ; type : ").append(f.pos());
            field(in, "kind of", f.kind());
            field(in, "group", f.group());
            field(in, "opposite", f.opposite());
            field(in, "also", same);
            List<String> others = new ArrayList<>();
            if (f.opposite() != null) {
                others.add(f.opposite());
            }
            if (same != null) {
                others.add(same);
            }
            out.add(f.item(in.toString(), sentence(f, same), others.toArray(String[]::new)));
        }
        return out;
    }

    private static void field(StringBuilder in, String name, String value) {
        if (value != null) {
            in.append(" ; ").append(name).append(" : ").append(value);
        }
    }

    private static String sentence(WordFacts f, String same) {
        StringBuilder s = new StringBuilder();
        boolean verb = f.pos().equals("verb");
        if (verb) {
            s.append("to ").append(f.word());
            if (f.kind() != null) {
                s.append(" is to ").append(f.kind()).append(f.group() != null ? " , a verb of " + f.group() : "");
            } else {
                s.append(" is a verb").append(f.group() != null ? " of " + f.group() : "");
            }
        } else if (f.pos().equals("noun")) {
            s.append(WordFacts.article(f.word())).append(' ').append(f.word()).append(" is ")
                    .append(f.kind() != null ? WordFacts.article(f.kind()) + " " + f.kind() : "a noun");
            if (f.group() != null) {
                s.append(" in the ").append(f.group()).append(" group");
            }
        } else {
            s.append(f.word()).append(" is an adjective");
        }
        if (f.opposite() != null) {
            s.append(f.pos().equals("adjective") ? " that means the opposite of " : " , the opposite of ")
                    .append(verb ? "to " : "").append(f.opposite());
        }
        if (same != null) {
            s.append(" , also called ").append(verb ? "to " : "").append(same);
        }
        return s.append(" .").toString();
    }

    // ------------------------------------------------------------------ semantic parsing

    /** A question template: when it applies, its phrasings ({W} the word, {A} its article, {K} its class) and its logical form. */
    private record Question(String name, int weight, java.util.function.Predicate<WordFacts> applies, List<String> phrasings,
            String form) {}

    private static final List<Question> QUESTIONS = List.of(
            new Question("noun-kind", 5, f -> f.kind() != null && f.pos().equals("noun"),
                    List.of("what is {A} {W} a kind of ?", "{W} is a kind of what ?"), "kind ( {W} )"),
            new Question("verb-kind", 3, f -> f.kind() != null && f.pos().equals("verb"),
                    List.of("to {W} is a way to do what ?"), "kind ( {W} )"),
            new Question("group", 4, f -> f.group() != null,
                    List.of("what group is the word {W} in ?", "which group is {W} in ?"), "group ( {W} )"),
            new Question("type", 3, f -> true, List.of("is {W} a noun , a verb or an adjective ?"), "type ( {W} )"),
            new Question("opposite", 3, f -> f.opposite() != null,
                    List.of("what is the opposite of {W} ?", "which word means the opposite of {W} ?"), "opposite ( {W} )"),
            new Question("same", 3, f -> !f.same().isEmpty(),
                    List.of("which word means the same as {W} ?", "what is another word for {W} ?"), "same ( {W} )"),
            new Question("check", 2, f -> f.kind() != null && f.pos().equals("noun"),
                    List.of("is {A} {W} a kind of {K} ?"), "check ( kind ( {W} ) , {K} )"),
            new Question("and", 2, f -> f.kind() != null && f.group() != null && f.pos().equals("noun"),
                    List.of("what is {A} {W} a kind of , and what group is it in ?"),
                    "and ( kind ( {W} ) , group ( {W} ) )"),
            new Question("count", 1, f -> !f.same().isEmpty(), List.of("how many words mean the same as {W} ?"),
                    "count ( same ( {W} ) )"),
            new Question("nested", 1, f -> !f.same().isEmpty(),
                    List.of("what is the opposite of a word that means the same as {W} ?"), "opposite ( same ( {W} ) )"),
            new Question("kind-of-kind", 1, f -> f.kind() != null,
                    List.of("what class is above the class of {W} ?"), "kind ( kind ( {W} ) )"));

    /** One question per word, its template drawn (weighted) among those that apply. */
    static List<Item> semanticParse(WordNet wn) {
        List<Item> out = new ArrayList<>();
        for (WordFacts f : WordFacts.all(wn)) {
            Question q = weighted("question/" + f.word(), QUESTIONS.stream().filter(x -> x.applies().test(f)).toList(),
                    Question::weight);
            String phrasing = q.phrasings().get(pick("phrasing/" + f.word(), q.phrasings().size()));
            out.add(f.item(fill(phrasing, f), fill(q.form(), f)));
        }
        return out;
    }

    private static String fill(String pattern, WordFacts f) {
        String s = pattern.replace("{W}", f.word()).replace("{A}", WordFacts.article(f.word()));
        return f.kind() == null ? s : s.replace("{K}", f.kind());
    }

    // ------------------------------------------------------------------ logic-to-text

    /** One statement per word with a class, a group, an opposite or a synonym; its operator drawn (weighted) among those that apply. */
    static List<Item> logicToText(WordNet wn) {
        List<WordFacts> all = WordFacts.all(wn);
        Map<String, List<String>> kindsByPos = new LinkedHashMap<>(); // distractor classes for not ( ... )
        for (WordFacts f : all) {
            if (f.kind() != null) {
                kindsByPos.computeIfAbsent(f.pos(), p -> new ArrayList<>()).add(f.kind());
            }
        }
        List<Item> out = new ArrayList<>();
        for (WordFacts f : all) {
            List<String> ops = new ArrayList<>();
            List<Integer> weights = new ArrayList<>();
            boolean classed = f.kind() != null && !f.pos().equals("adjective");
            option(ops, weights, "kind", 4, classed);
            option(ops, weights, "and", 4, classed && f.group() != null);
            option(ops, weights, "group", 2, f.group() != null);
            option(ops, weights, "opposite", 3, f.opposite() != null);
            option(ops, weights, "same", 3, !f.same().isEmpty());
            option(ops, weights, "count", 1, !f.same().isEmpty() && f.same().size() < NUMBERS.size());
            option(ops, weights, "not", 2, classed);
            option(ops, weights, "chain", 2, classed && f.kindOfKind() != null);
            if (ops.isEmpty()) {
                continue;
            }
            int at = weighted("logic/" + f.word(), java.util.stream.IntStream.range(0, ops.size()).boxed().toList(),
                    weights::get);
            out.add(statement(ops.get(at), f, kindsByPos.get(f.pos())));
        }
        return out;
    }

    private static final List<String> NUMBERS = List.of("zero", "one", "two", "three", "four", "five", "six", "seven",
            "eight", "nine", "ten");

    private static void option(List<String> ops, List<Integer> weights, String op, int weight, boolean applies) {
        if (applies) {
            ops.add(op);
            weights.add(weight);
        }
    }

    private static Item statement(String op, WordFacts f, List<String> kinds) {
        String w = f.word();
        boolean verb = f.pos().equals("verb");
        // a noun's class reads "a house is a kind of dwelling", a verb's "to wolf is a way to eat"
        String subject = verb ? "to " + w : WordFacts.article(w) + " " + w;
        String isKindOf = verb ? " is a way to " : " is a kind of ";
        switch (op) {
            case "kind":
                return f.item("kind ( " + w + " ) = " + f.kind(), subject + isKindOf + f.kind() + " .");
            case "and":
                return f.item("and ( kind ( " + w + " ) = " + f.kind() + " , group ( " + w + " ) = " + f.group() + " )",
                        subject + isKindOf + f.kind() + (verb ? " , a verb of " + f.group()
                                : " in the " + f.group() + " group") + " .");
            case "group":
                return f.item("group ( " + w + " ) = " + f.group(), verb ? subject + " is a verb of " + f.group() + " ."
                        : subject + " belongs to the " + f.group() + " group .");
            case "opposite":
                return f.item("opposite ( " + w + " ) = " + f.opposite(), w + " is the opposite of " + f.opposite() + " .",
                        f.opposite());
            case "same":
                return f.item("same ( " + w + " ) = " + f.same().get(0), w + " means the same as " + f.same().get(0) + " .",
                        f.same().get(0));
            case "count":
                return f.item("count ( same ( " + w + " ) ) = " + f.same().size(), w + " has " + NUMBERS.get(f.same().size())
                        + " other " + (f.same().size() == 1 ? "word" : "words") + " with the same meaning .",
                        f.same().toArray(String[]::new));
            case "not": {
                String other = distractor(w, f.kind(), kinds);
                return f.item("not ( kind ( " + w + " ) = " + other + " )", subject + (verb ? " is not a way to "
                        : " is not a kind of ") + other + " .");
            }
            case "chain":
                return f.item("kind ( " + w + " ) = " + f.kind() + " ; kind ( " + f.kind() + " ) = " + f.kindOfKind(),
                        subject + isKindOf + f.kind() + " , which" + isKindOf + f.kindOfKind() + " .", f.kind());
            default:
                throw new IllegalStateException("unknown operator " + op);
        }
    }

    /** A class of another word of the same part of speech, not {@code kind}: the false class of a negation. */
    private static String distractor(String word, String kind, List<String> kinds) {
        int start = pick("not/" + word, kinds.size());
        for (int i = 0; i < kinds.size(); i++) {
            String k = kinds.get((start + i) % kinds.size());
            if (!k.equals(kind) && !k.equals(word)) {
                return k;
            }
        }
        throw new IllegalStateException("no distractor class for " + word);
    }

    // ------------------------------------------------------------------ deterministic choices

    /** A number in [0, n) fixed by {@code key}. */
    private static int pick(String key, int n) {
        return (int) Long.remainderUnsigned(Split.hash(key), n);
    }

    /** One of {@code options}, each as likely as its weight, fixed by {@code key}. */
    private static <T> T weighted(String key, List<T> options, java.util.function.ToIntFunction<T> weight) {
        int total = options.stream().mapToInt(weight).sum();
        int r = pick(key, total);
        for (T o : options) {
            r -= weight.applyAsInt(o);
            if (r < 0) {
                return o;
            }
        }
        throw new IllegalStateException("no options for " + key);
    }
}
