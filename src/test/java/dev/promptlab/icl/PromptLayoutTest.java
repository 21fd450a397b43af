package dev.promptlab.icl;

import dev.promptlab.task.Example;
import dev.promptlab.task.Template;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PromptLayoutTest {
    private static final Template TEMPLATE = new Template("Word: {input}\nOpposite: {output}");

    @Test
    void instructionThenDemonstrationsThenQuery() {
        PromptLayout layout = new PromptLayout(TEMPLATE, "Write the opposite.", "<eos>");
        Example laid = layout.layout(List.of(new Example("hot", "cold"), new Example("up", "down")), new Example("big", "small"));
        assertEquals("Write the opposite.\n\nWord: hot\nOpposite: cold <eos>\n\nWord: up\nOpposite: down <eos>\n\nWord: big\nOpposite:",
                laid.input());
        assertEquals("small", laid.output());
        assertEquals(" small", layout.template().target(laid.output()));
        assertEquals(laid.input() + " small <eos>", layout.episode(List.of(new Example("hot", "cold"), new Example("up", "down")),
                new Example("big", "small")));
        assertEquals("Word: big\nOpposite:", new PromptLayout(TEMPLATE, " ").layout(List.of(), new Example("big", "small")).input());
    }

    @Test
    void randomRetrieverIsSeededAndNeverReturnsTheQuery() {
        List<Example> pool = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            pool.add(new Example("in" + i, "out" + i));
        }
        List<Example> a = new RandomRetriever(pool, 7).retrieve(pool.get(3), 3, 9);
        assertEquals(a, new RandomRetriever(pool, 7).retrieve(pool.get(3), 3, 9));
        assertFalse(a.contains(pool.get(3)));
        assertEquals(9, a.stream().distinct().count());
        assertNotEquals(new RandomRetriever(pool, 7).retrieve(null, -1, 4), new RandomRetriever(pool, 8).retrieve(null, -1, 4));
        assertThrows(IllegalArgumentException.class, () -> new RandomRetriever(pool, 7).retrieve(pool.get(0), 0, 10));
    }
}
