package dev.promptlab.task.builtin.wordnet;

import dev.promptlab.eval.Bleu;
import dev.promptlab.eval.Metrics;
import dev.promptlab.eval.RougeL;
import dev.promptlab.eval.Tokenizer13a;
import dev.promptlab.task.Example;
import dev.promptlab.task.Task;
import dev.promptlab.task.TaskKind;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The built-in WordNet tasks: lemma-disjoint deterministic splits, instructions, rendering, scoring, references. */
class BuiltinTasksTest {

    @Test
    void atLeastFiveTasksOfEachKind() {
        long classification = BuiltinTasks.names().stream()
                .filter(n -> BuiltinTasks.spec(n).kind() == TaskKind.CLASSIFICATION).count();
        assertTrue(classification >= 5, "classification tasks: " + classification);
        assertTrue(BuiltinTasks.names().size() - classification >= 5, "generation tasks");
    }

    @Test
    void noLemmaAppearsInTwoSplits() {
        for (String name : BuiltinTasks.names()) {
            BuiltinTask task = BuiltinTasks.get(name);
            Map<String, Split> seen = new HashMap<>();
            for (Split s : Split.values()) {
                for (Item item : task.items(s)) {
                    for (String lemma : item.lemmas()) {
                        Split before = seen.put(lemma, s);
                        assertTrue(before == null || before == s,
                                name + ": lemma '" + lemma + "' is in " + before + " and " + s);
                    }
                }
            }
        }
    }

    @Test
    void anchorLemmaDecidesTheSplit() {
        for (String name : BuiltinTasks.names()) {
            for (Split s : Split.values()) {
                for (Item item : BuiltinTasks.get(name).items(s)) {
                    assertEquals(s, Split.of(item.lemmas().get(0)), name + " " + item);
                }
            }
        }
    }

    @Test
    void splitsAreDeterministic() {
        WordNet wn = WordNet.get();
        for (String name : List.of("topic", "antonym")) {
            BuiltinTask again = BuiltinTasks.build(BuiltinTasks.spec(name), wn);
            for (Split s : Split.values()) {
                assertEquals(BuiltinTasks.get(name).items(s), again.items(s), name + " " + s);
            }
        }
        assertEquals(Split.of("Dog"), Split.of("dog"));
        long test = WordNet.get().synsets().stream().limit(20000).filter(x -> Split.of(x.head()) == Split.TEST).count();
        assertTrue(test > 1000 && test < 3000, "about 10% of lemmas are test, got " + test + " of 20000");
    }

    @Test
    void classificationSplitsAreBalancedAndUseTheLabels() {
        for (String name : BuiltinTasks.names()) {
            BuiltinTask task = BuiltinTasks.get(name);
            if (task.kind() != TaskKind.CLASSIFICATION) {
                continue;
            }
            for (Split s : Split.values()) {
                Map<String, Integer> counts = new HashMap<>();
                task.examples(s).forEach(e -> counts.merge(e.output(), 1, Integer::sum));
                assertEquals(task.spec().labels().size(), counts.size(), name + " " + s + " " + counts);
                assertEquals(1, counts.values().stream().distinct().count(), name + " " + s + " unbalanced: " + counts);
            }
        }
    }

    @Test
    void instructionsAreOneSentenceAndTheContradictionIsAnotherTasks() {
        for (String name : BuiltinTasks.names()) {
            BuiltinTask task = BuiltinTasks.get(name);
            assertTrue(task.instruction().endsWith(".") && task.instruction().split("\\. ").length == 1, name);
            assertNotEquals(task.instruction(), task.contradictoryInstruction(), name);
            assertEquals(BuiltinTasks.spec(task.spec().contradictsWith()).instruction(), task.contradictoryInstruction());
            assertNotEquals(task.kind(), BuiltinTasks.spec(task.spec().contradictsWith()).kind(),
                    name + " contradicts a task of another kind, so the instruction is clearly wrong for it");
            for (String label : task.spec().labels()) {
                assertTrue(task.instruction().contains(label.equals("social") ? "social" : label),
                        name + ": the instruction names label " + label);
            }
        }
    }

    @Test
    void everyTaskRendersAndScores() {
        for (String name : BuiltinTasks.names()) {
            BuiltinTask task = BuiltinTasks.get(name);
            for (Split s : Split.values()) {
                Task t = task.task(s);
                assertEquals("builtin:" + name + ":" + s.label(), t.name());
                for (Example e : t.examples().subList(0, Math.min(50, t.examples().size()))) {
                    String text = t.template().render(e);
                    assertTrue(text.startsWith(t.template().context(e.input())) && text.endsWith(" " + e.output()), text);
                    assertTrue(!e.input().isBlank() && !e.output().isBlank(), name + ": empty field in " + e);
                }
            }
            List<String> refs = task.examples(Split.TEST).stream().map(Example::output).toList();
            // each reference scored against its neighbour's: the metrics against a count made here
            List<String> shifted = new java.util.ArrayList<>(refs.subList(1, refs.size()));
            shifted.add(refs.get(0));
            long same = java.util.stream.IntStream.range(0, refs.size()).filter(i -> refs.get(i).equals(shifted.get(i)))
                    .count();
            if (task.kind() == TaskKind.GENERATION) {
                assertEquals((double) same / refs.size(), Metrics.exactMatch(shifted, refs), 1e-12, name);
                assertTrue(same < refs.size() / 2, name + ": the answers are varied enough to score");
                // sacreBLEU's BLEU-4 (0-100) is undefined, hence 0, for a corpus with no 4-gram (one-word answers)
                boolean fourGrams = refs.stream().anyMatch(r -> Tokenizer13a.tokens(r).size() >= 4);
                assertEquals(fourGrams ? 100.0 : 0.0, Bleu.corpus(refs, refs), 1e-9, name);
                double rouge = RougeL.mean(shifted, refs);
                assertTrue(rouge >= (double) same / refs.size() && rouge < 1, name + ": ROUGE-L " + rouge);
            } else {
                assertEquals((double) same / refs.size(), Metrics.accuracy(shifted, refs), 1e-12, name);
                assertEquals(1.0 / task.spec().labels().size(),
                        Metrics.accuracy(refs, refs.stream().map(r -> task.spec().labels().get(0)).toList()), 1e-12);
            }
        }
    }

    @Test
    void referencesParseAndBadOnesNameTheChoices() {
        assertEquals(new BuiltinTasks.Ref("topic", Split.TRAIN), BuiltinTasks.parse("builtin:topic", Split.TRAIN));
        assertEquals(new BuiltinTasks.Ref("pos", Split.DEV), BuiltinTasks.parse("builtin:pos:dev", Split.TEST));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BuiltinTasks.parse("builtin:sentiment", Split.TRAIN));
        assertTrue(e.getMessage().contains("sentiment") && e.getMessage().contains("topic"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> BuiltinTasks.parse("builtin:topic:validation", Split.TRAIN));
        assertTrue(e.getMessage().contains("validation") && e.getMessage().contains("dev"), e.getMessage());
    }

    @Test
    void glossSplitsDefinitionFromExamples() {
        Gloss g = Gloss.parse("worthy of reliance or trust; \"a reliable source of information\"; \"a dependable worker\"");
        assertEquals("worthy of reliance or trust", g.definition());
        assertEquals(List.of("a reliable source of information", "a dependable worker"), g.examples());
        Gloss attributed = Gloss.parse("the act of seeing; \"he saw it\" - Shakespeare");
        assertEquals(List.of("he saw it"), attributed.examples());
    }
}
