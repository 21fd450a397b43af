package dev.promptlab.task.builtin.wordnet;

import dev.promptlab.icl.Bm25Retriever;
import dev.promptlab.task.Example;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The ICL study's three generation tasks: registered last, each split strictly by the anchor's
 * split (every word whose facts an item states hashes to the anchor's split), outputs in the word
 * tokenizer's normal form, and a nearest training example that shows the test output's shape for
 * some test inputs but not for others.
 */
class RelationTasksTest {

    @Test
    void theStudyTasksAreRegisteredLastOnePerFamily() {
        List<String> names = BuiltinTasks.names();
        assertEquals(BuiltinTasks.ICL_STUDY_TASKS, names.subList(names.size() - 3, names.size()));
        assertEquals(List.of("bleu", "exact_match", "bleu"),
                BuiltinTasks.ICL_STUDY_TASKS.stream().map(n -> BuiltinTasks.spec(n).metric()).toList());
        assertEquals(names.size() - 3, BuiltinTasks.pretrainingNames(false).size());
        assertTrue(BuiltinTasks.pretrainingNames(false).stream().noneMatch(BuiltinTasks.ICL_STUDY_TASKS::contains));
        assertEquals(names, BuiltinTasks.pretrainingNames(true));
    }

    @Test
    void everyNamedWordOfAnItemIsInTheAnchorsSplitAndOutputsAreInNormalForm() {
        for (String name : BuiltinTasks.ICL_STUDY_TASKS) {
            BuiltinTask task = BuiltinTasks.get(name);
            for (Split s : Split.values()) {
                assertTrue(task.items(s).size() >= 300, name + " " + s + ": " + task.items(s).size());
                for (Item item : task.items(s)) {
                    for (String lemma : item.lemmas()) {
                        assertEquals(s, Split.of(lemma), name + ": " + item);
                    }
                    String out = item.example().output();
                    assertEquals(out.toLowerCase(), out, name);
                    assertTrue(out.matches("[a-z]+( ([a-z]+|[(),;=.?]))*"), name + ": not in normal form: " + out);
                }
            }
        }
    }

    @Test
    void examplesLookAsDocumented() {
        Map<String, Example> byInput = new HashMap<>();
        for (String name : BuiltinTasks.ICL_STUDY_TASKS) {
            for (Split s : Split.values()) {
                BuiltinTasks.get(name).examples(s).forEach(e -> byInput.put(name + "|" + e.input(), e));
            }
        }
        assertEquals("a house is a dwelling in the artifact group .",
                byInput.get("data-to-text|word : house ; type : noun ; kind of : dwelling ; group : artifact").output());
        assertEquals("kind ( house )", byInput.get("semantic-parse|house is a kind of what ?").output());
        assertEquals("to wolf is a way to eat , a verb of consumption .",
                byInput.get("logic-to-text|and ( kind ( wolf ) = eat , group ( wolf ) = consumption )").output());
    }

    /**
     * The nearest training input (BM25) shows the test output's shape (its output with the words
     * copied from the input masked) for part of the test set only: demonstrations are informative
     * for some inputs and not for others, so similarity bins can differ.
     */
    @Test
    void theNearestTrainingExampleIsInformativeForSomeTestInputsOnly() {
        for (String name : BuiltinTasks.ICL_STUDY_TASKS) {
            BuiltinTask task = BuiltinTasks.get(name);
            List<Example> test = task.examples(Split.TEST).subList(0, 200);
            int informative = 0;
            try (Bm25Retriever nearest = new Bm25Retriever(task.examples(Split.TRAIN))) {
                for (Example e : test) {
                    Example top = nearest.retrieve(e, -1, 1).get(0).example();
                    informative += shape(top).equals(shape(e)) ? 1 : 0;
                }
            }
            double share = informative / (double) test.size();
            assertTrue(share > 0.3 && share < 0.97, name + ": the top demonstration has the test output's shape for "
                    + share + " of the test inputs");
        }
    }

    private static final Set<String> KEEP = Set.of("a", "an", "the", "of", "is", "to", "kind", "group", "same", "opposite");

    /** The output with every word that also occurs in the input masked. */
    private static String shape(Example e) {
        Set<String> in = new java.util.HashSet<>(List.of(e.input().split(" ")));
        StringBuilder sb = new StringBuilder();
        for (String w : e.output().split(" ")) {
            sb.append(in.contains(w) && !KEEP.contains(w) ? "_" : w).append(' ');
        }
        return sb.toString().trim();
    }
}
