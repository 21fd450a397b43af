package dev.promptlab.task.builtin.wordnet;

import dev.promptlab.task.TaskKind;
import dev.promptlab.task.Template;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The registry of built-in tasks drawn from WordNet 3.1, addressed as {@code builtin:NAME} or
 * {@code builtin:NAME:SPLIT}.
 *
 * <p>Splits: every item goes to the split of its anchor lemma ({@link Split#of}), unless another
 * lemma it names is already used by a different split (then it is dropped); items are then
 * ordered by a hash of task name and input, and each split is capped at
 * {@value #MAX_TRAIN} / {@value #MAX_DEV} / {@value #MAX_TEST} examples. Classification splits
 * are balanced: every label gets the same number of examples (the rarest label's count, within
 * the cap). Everything is a pure function of WordNet 3.1, so the splits are identical on every
 * machine.
 */
public final class BuiltinTasks {
    public static final String PREFIX = "builtin:";
    static final int MAX_TRAIN = 3000;
    static final int MAX_DEV = 300;
    static final int MAX_TEST = 500;

    private static final Map<String, TaskSpec> SPECS = specs();
    private static final Map<String, BuiltinTask> LOADED = new ConcurrentHashMap<>();

    private BuiltinTasks() {}

    /** Task names in registry order: classification first, then generation. */
    public static List<String> names() {
        return List.copyOf(SPECS.keySet());
    }

    /**
     * The generation tasks added for the ICL study (data-to-text, semantic parsing, logic-to-text),
     * last in the registry. A recipe with the switch {@code iclStudyTasks} off (tiny, base) keeps
     * the corpus that predates them, episodes of the other tasks only; see {@link #pretrainingNames}.
     */
    public static final List<String> ICL_STUDY_TASKS = List.of("data-to-text", "semantic-parse", "logic-to-text");

    /**
     * The tasks whose training splits a built-in model's pretraining corpus mixes in as episodes
     * (and whose dev/test words it holds out, and whose short answers its vocabulary holds): every
     * task but {@link #ICL_STUDY_TASKS} for the shipped models' corpus, every task when the
     * recipe's switch {@code iclStudyTasks} is on. Registry order, so that a corpus does not change
     * when tasks are added later.
     */
    public static List<String> pretrainingNames(boolean withIclStudyTasks) {
        return withIclStudyTasks ? names() : names().stream().filter(n -> !ICL_STUDY_TASKS.contains(n)).toList();
    }

    public static TaskSpec spec(String name) {
        TaskSpec spec = SPECS.get(name);
        if (spec == null) {
            throw new IllegalArgumentException("unknown built-in task '" + name + "' (known: "
                    + String.join(", ", names()) + ")");
        }
        return spec;
    }

    /** The task with its splits: from the task cache, else extracted from WordNet (once, then cached on disk). */
    public static BuiltinTask get(String name) {
        TaskSpec spec = spec(name);
        return LOADED.computeIfAbsent(name, n -> TaskCache.load(spec, spec(spec.contradictsWith()).instruction(),
                () -> build(spec, WordNet.get())));
    }

    /** Whether {@code ref} names a built-in task ({@code builtin:...}). */
    public static boolean isRef(String ref) {
        return ref != null && ref.startsWith(PREFIX);
    }

    /** A parsed {@code builtin:NAME[:SPLIT]}. */
    public record Ref(String name, Split split) {
        @Override
        public String toString() {
            return PREFIX + name + ":" + split.label();
        }
    }

    /**
     * Parses {@code builtin:NAME[:SPLIT]}; {@code defaultSplit} is used when no split is given.
     *
     * @throws IllegalArgumentException naming the value and the known tasks / splits
     */
    public static Ref parse(String ref, Split defaultSplit) {
        if (!isRef(ref)) {
            throw new IllegalArgumentException("'" + ref + "' is not a built-in task reference (expected builtin:NAME[:SPLIT])");
        }
        String[] parts = ref.substring(PREFIX.length()).split(":", -1);
        if (parts.length > 2) {
            throw new IllegalArgumentException("'" + ref + "': expected builtin:NAME or builtin:NAME:SPLIT");
        }
        spec(parts[0]);
        return new Ref(parts[0], parts.length == 2 ? Split.parse(parts[1]) : defaultSplit);
    }

    static BuiltinTask build(TaskSpec spec, WordNet wn) {
        Map<Split, List<Item>> bySplit = new EnumMap<>(Split.class);
        for (Split s : Split.values()) {
            bySplit.put(s, new ArrayList<>());
        }
        Map<String, Split> owner = new java.util.HashMap<>(); // lemma -> the split that uses it
        for (Item item : spec.extractor().apply(wn)) {
            Split s = item.split();
            boolean clash = item.lemmas().stream().anyMatch(l -> owner.getOrDefault(l, s) != s);
            if (!clash) {
                item.lemmas().forEach(l -> owner.put(l, s));
                bySplit.get(s).add(item);
            }
        }
        Comparator<Item> order = Comparator.comparingLong(
                (Item i) -> Split.hash(spec.name() + "\u0000" + i.example().input() + "\u0000" + i.example().output()))
                .thenComparing(i -> i.example().input());
        Map<Split, List<Item>> splits = new EnumMap<>(Split.class);
        for (Split s : Split.values()) {
            List<Item> items = bySplit.get(s);
            items.sort(order);
            int cap = s == Split.TRAIN ? MAX_TRAIN : s == Split.DEV ? MAX_DEV : MAX_TEST;
            splits.put(s, spec.kind() == TaskKind.CLASSIFICATION ? balanced(items, spec.labels(), cap)
                    : List.copyOf(items.subList(0, Math.min(cap, items.size()))));
        }
        String contradiction = spec(spec.contradictsWith()).instruction();
        return new BuiltinTask(spec, contradiction, splits);
    }

    /** The same number of items per label, interleaved label by label, at most {@code cap} in all. */
    private static List<Item> balanced(List<Item> items, List<String> labels, int cap) {
        Map<String, List<Item>> byLabel = new LinkedHashMap<>();
        labels.forEach(l -> byLabel.put(l, new ArrayList<>()));
        for (Item i : items) {
            byLabel.get(i.example().output()).add(i);
        }
        int perLabel = Math.min(cap / labels.size(), byLabel.values().stream().mapToInt(List::size).min().orElse(0));
        List<Item> out = new ArrayList<>();
        for (int k = 0; k < perLabel; k++) {
            for (String l : labels) {
                out.add(byLabel.get(l).get(k));
            }
        }
        return List.copyOf(out);
    }

    private static Map<String, TaskSpec> specs() {
        List<String> topics = List.of("animal", "food", "artifact", "person", "plant");
        List<String> verbTopics = List.of("motion", "communication", "change", "contact", "social");
        List<String> parts = List.of("noun", "verb", "adjective", "adverb");
        List<String[]> polar = List.of(
                new String[] {"good", "bad"}, new String[] {"happy", "unhappy"}, new String[] {"pleasant", "unpleasant"},
                new String[] {"beautiful", "ugly"}, new String[] {"kind", "unkind"}, new String[] {"honest", "dishonest"},
                new String[] {"healthy", "unhealthy"}, new String[] {"safe", "dangerous"},
                new String[] {"friendly", "unfriendly"}, new String[] {"polite", "impolite"},
                new String[] {"clean", "dirty"}, new String[] {"wise", "foolish"},
                new String[] {"successful", "unsuccessful"}, new String[] {"moral", "immoral"},
                new String[] {"comfortable", "uncomfortable"}, new String[] {"fortunate", "unfortunate"},
                new String[] {"favorable", "unfavorable"}, new String[] {"desirable", "undesirable"},
                new String[] {"attractive", "unattractive"}, new String[] {"useful", "useless"},
                new String[] {"strong", "weak"}, new String[] {"intelligent", "unintelligent"},
                new String[] {"generous", "stingy"}, new String[] {"brave", "cowardly"},
                new String[] {"careful", "careless"}, new String[] {"fair", "unfair"},
                new String[] {"legal", "illegal"}, new String[] {"rich", "poor"}, new String[] {"calm", "agitated"},
                new String[] {"competent", "incompetent"}, new String[] {"efficient", "inefficient"},
                new String[] {"loyal", "disloyal"}, new String[] {"pure", "impure"},
                new String[] {"hopeful", "hopeless"}, new String[] {"tasteful", "tasteless"},
                new String[] {"reasonable", "unreasonable"}, new String[] {"responsible", "irresponsible"},
                new String[] {"adequate", "inadequate"}, new String[] {"acceptable", "unacceptable"},
                new String[] {"appropriate", "inappropriate"}, new String[] {"grateful", "ungrateful"});
        List<TaskSpec> list = List.of(
                new TaskSpec("topic", TaskKind.CLASSIFICATION, "accuracy",
                        "Read the definition and say whether it describes an animal, a food, an artifact, a person or a plant.",
                        List.of("Decide if the definition is about an animal, a food, an artifact, a person or a plant.",
                                "Tell which kind of thing the definition is about: animal, food, artifact, person or plant."),
                        "plural", new Template("Definition: {input}\nTopic: {output}"), topics,
                        wn -> Extractors.nounTopic(wn, Set.copyOf(topics))),
                new TaskSpec("pos", TaskKind.CLASSIFICATION, "accuracy",
                        "Read the definition and say whether the word it defines is a noun, a verb, an adjective or an adverb.",
                        List.of("Decide if the defined word is a noun, a verb, an adjective or an adverb.",
                                "Tell the part of speech of the word that the definition is about."),
                        "define", new Template("Definition: {input}\nPart of speech: {output}"), parts,
                        Extractors::definitionPos),
                new TaskSpec("polarity", TaskKind.CLASSIFICATION, "accuracy",
                        "Read the definition of an adjective and say whether its meaning is positive or negative.",
                        List.of("Decide if the adjective that the definition is about has a positive or a negative meaning.",
                                "Tell whether the defined adjective means something good or something bad."),
                        "hypernym", new Template("Definition: {input}\nPolarity: {output}"), List.of("positive", "negative"),
                        wn -> Extractors.polarity(wn, polar)),
                new TaskSpec("verb-topic", TaskKind.CLASSIFICATION, "accuracy",
                        "Read the definition of a verb and say whether it is about motion, communication, change, contact or social life.",
                        List.of("Decide if the defined verb is a verb of motion, communication, change, contact or social life.",
                                "Tell which kind of action the defined verb names: motion, communication, change, contact or social life."),
                        "name", new Template("Definition: {input}\nVerb type: {output}"), verbTopics,
                        wn -> Extractors.verbTopic(wn, Set.copyOf(verbTopics))),
                new TaskSpec("usage-pos", TaskKind.CLASSIFICATION, "accuracy",
                        "Read the sentence and say whether the quoted word is used in it as a noun, a verb, an adjective or an adverb.",
                        List.of("Decide if the given word is used in the sentence as a noun, a verb, an adjective or an adverb.",
                                "Tell the part of speech that the given word has in the sentence."),
                        "antonym", new Template("Usage: {input}\nPart of speech: {output}"), parts,
                        Extractors::examplePos),
                new TaskSpec("define", TaskKind.GENERATION, "bleu",
                        "Write the dictionary definition of the given word.",
                        List.of("Give the meaning of the word as a dictionary would.",
                                "Explain what the given word means in one definition."),
                        "pos", new Template("Word: {input}\nDefinition: {output}"), List.of(), Extractors::define),
                new TaskSpec("name", TaskKind.GENERATION, "exact_match",
                        "Write the word that the given definition defines.",
                        List.of("Give the word whose meaning the definition gives.",
                                "Name the word that the given definition is about."),
                        "verb-topic", new Template("Definition: {input}\nWord: {output}"), List.of(), Extractors::name),
                new TaskSpec("hypernym", TaskKind.GENERATION, "exact_match",
                        "Write a more general word that the given noun is a kind of.",
                        List.of("Give a more general class for the given noun.",
                                "Name a class of things that the given noun belongs to."),
                        "polarity", new Template("Word: {input}\nKind of: {output}"), List.of(), Extractors::hypernym),
                new TaskSpec("antonym", TaskKind.GENERATION, "exact_match",
                        "Write the word that means the opposite of the given adjective.",
                        List.of("Give an adjective with the opposite meaning of the given one.",
                                "Name the opposite of the given adjective."),
                        "usage-pos", new Template("Word: {input}\nOpposite: {output}"), List.of(), Extractors::antonym),
                new TaskSpec("plural", TaskKind.GENERATION, "exact_match",
                        "Write the plural form of the given noun.",
                        List.of("Give the form of the noun that names more than one.",
                                "Write the given noun in the plural."),
                        "topic", new Template("Singular: {input}\nPlural: {output}"), List.of(), Extractors::plural),
                // the ICL study's tasks, one per family of Sun et al. (2023); see RelationTasks
                new TaskSpec("data-to-text", TaskKind.GENERATION, "bleu",
                        "Write one sentence that states the facts in the given record of a word.",
                        List.of("Turn the fields of the record into one plain sentence.",
                                "Say in a sentence what the record shows about the word."),
                        "polarity", new Template("Record: {input}\nSentence: {output}"), List.of(),
                        RelationTasks::dataToText),
                new TaskSpec("semantic-parse", TaskKind.GENERATION, "exact_match",
                        "Write the logical form of the given question about a word.",
                        List.of("Turn the question into a logical form over the relations between words.",
                                "Give the logical form that expresses the question about a word."),
                        "topic", new Template("Question: {input}\nLogical form: {output}"), List.of(),
                        RelationTasks::semanticParse),
                new TaskSpec("logic-to-text", TaskKind.GENERATION, "bleu",
                        "Write one sentence that states what the given logical form expresses about a word.",
                        List.of("Turn the logical form into one plain sentence.",
                                "Say in words what the logical form means."),
                        "pos", new Template("Logic: {input}\nSentence: {output}"), List.of(),
                        RelationTasks::logicToText));
        Map<String, TaskSpec> m = new LinkedHashMap<>();
        for (TaskSpec s : list) {
            if (m.put(s.name(), s) != null) {
                throw new IllegalStateException("duplicate built-in task " + s.name());
            }
        }
        for (TaskSpec s : list) {
            if (!m.containsKey(s.contradictsWith())) {
                throw new IllegalStateException("task " + s.name() + " contradicts unknown task " + s.contradictsWith());
            }
        }
        return java.util.Collections.unmodifiableMap(m);
    }
}
