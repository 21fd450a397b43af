package dev.promptlab.task.builtin.wordnet;

import dev.promptlab.task.TaskKind;
import dev.promptlab.task.Template;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The built-in waywardness texts: which instructions contradict a task, its true descriptions, and paraphrase rules. */
class WaywardTextsTest {

    @Test
    void contradictoryTextsAreTheOtherKindsInstructionsDesignatedFirst() {
        for (String name : BuiltinTasks.names()) {
            TaskSpec spec = BuiltinTasks.spec(name);
            List<String> texts = WaywardTexts.contradictory(name);
            assertEquals(BuiltinTasks.spec(spec.contradictsWith()).instruction(), texts.get(0), name);
            List<String> otherKind = BuiltinTasks.names().stream().map(BuiltinTasks::spec)
                    .filter(s -> s.kind() != spec.kind()).map(TaskSpec::instruction).toList();
            assertEquals(otherKind.size(), texts.size(), name);
            assertTrue(texts.containsAll(otherKind), name);
            assertFalse(texts.contains(spec.instruction()), name);
        }
    }

    @Test
    void trueDescriptionsAreTheInstructionThenItsParaphrases() {
        for (String name : BuiltinTasks.names()) {
            TaskSpec spec = BuiltinTasks.spec(name);
            List<String> texts = WaywardTexts.trueDescriptions(name);
            assertEquals(spec.instruction(), texts.get(0));
            assertEquals(spec.paraphrases(), texts.subList(1, texts.size()));
            assertTrue(texts.size() >= 3, name);
        }
    }

    @Test
    void aSpecNeedsTwoDistinctOneSentenceParaphrases() {
        String instruction = "Write the plural form of the given noun.";
        Template template = new Template("Singular: {input}\nPlural: {output}");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new TaskSpec("x",
                TaskKind.GENERATION, "exact_match", instruction, List.of("Give the plural."), "topic", template,
                List.of(), wn -> List.of()));
        assertTrue(e.getMessage().contains("at least 2 paraphrases"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new TaskSpec("x", TaskKind.GENERATION, "exact_match",
                instruction, List.of("Give the plural.", instruction), "topic", template, List.of(), wn -> List.of()));
        assertTrue(e.getMessage().contains("differ"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new TaskSpec("x", TaskKind.GENERATION, "exact_match",
                instruction, List.of("Give the plural. Now.", "Say it."), "topic", template, List.of(), wn -> List.of()));
        assertTrue(e.getMessage().contains("one sentence"), e.getMessage());
    }

    @Test
    void unrelatedGlossesShareNoContentWordWithTheTask() {
        List<String> glosses = WaywardTexts.unrelatedGlosses("topic");
        assertTrue(glosses.size() > 500, "unrelated glosses of topic: " + glosses.size());
        for (String g : glosses) {
            List<String> words = WaywardTexts.words(g);
            for (String w : List.of("animal", "food", "artifact", "person", "plant", "definition", "describes")) {
                assertFalse(words.contains(w), "'" + w + "' in " + g);
            }
        }
    }
}
