package dev.promptlab.icl;

import dev.promptlab.task.Example;
import dev.promptlab.task.Template;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
}
