package dev.promptlab.task;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class TemplateTest {
    @Test
    void splitsContextAndTargetAtTheOutputSlot() {
        Template t = new Template("Review: {input} Sentiment: {output}");
        assertEquals("Review: great film Sentiment:", t.context("great film"));
        assertEquals(" positive", t.target("positive"));
        assertEquals("Review: great film Sentiment: positive", t.render(new Example("great film", "positive")));
        assertEquals("x", Template.DEFAULT.context("x"));
        assertEquals(" y", Template.DEFAULT.target("y"));
        assertEquals("yes", new Template("{input}={output}").target("yes"));
    }

    @Test
    void rejectsPatternsThatCannotBeTrainedOn() {
        assertThrows(IllegalArgumentException.class, () -> new Template("{input} only"));
        assertThrows(IllegalArgumentException.class, () -> new Template("{output} {input}"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Template("{input} {output} end"));
        assertTrue(e.getMessage().contains("last"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Template("{input} {input} {output}"));
    }
}
