package dev.promptlab.icl;

import dev.promptlab.task.Example;
import dev.promptlab.task.Template;

import java.util.List;

/**
 * The text layout of an in-context prompt: an optional instruction, then k demonstrations
 * rendered with the task's template, then the query's context; blocks are separated by
 * {@link #SEPARATOR}. The result is an {@link Example} whose input is that whole context and
 * whose output is the query's output, scored with {@link #template()}, so the verbalizer
 * classifier, the decoder and the trainer use ICL prompts unchanged (only the query's output
 * tokens are ever scored).
 *
 * <pre>
 * {instruction}
 *
 * {demo 1 rendered}{answer end}
 *
 * ...
 *
 * {query context} {output}
 * </pre>
 */
public final class PromptLayout {
    public static final String SEPARATOR = "\n\n";
    private final Template taskTemplate;
    private final String instruction;
    private final Template layoutTemplate;
    private final String answerEnd;

    /** A layout with no end-of-answer marker after the demonstrations. */
    public PromptLayout(Template taskTemplate, String instruction) {
        this(taskTemplate, instruction, null);
    }

    /**
     * @param instruction text before the demonstrations, or null / blank for none
     * @param answerEnd text after each demonstration's output (e.g. the tokenizer's EOS token,
     *     so that a model learns where an answer stops even when the tokenizer drops the
     *     blank lines between blocks), or null for none
     */
    public PromptLayout(Template taskTemplate, String instruction, String answerEnd) {
        this.taskTemplate = taskTemplate;
        this.instruction = instruction == null || instruction.isBlank() ? null : instruction.trim();
        this.answerEnd = answerEnd == null || answerEnd.isEmpty() ? "" : " " + answerEnd;
        // the query's output follows its context with the task template's own separator
        this.layoutTemplate = new Template("{input}" + taskTemplate.target("") + "{output}");
    }

    /** The template to score laid-out examples with: {@code {input}<separator>{output}}. */
    public Template template() {
        return layoutTemplate;
    }

    /** The query laid out after the instruction and the demonstrations. */
    public Example layout(List<Example> demonstrations, Example query) {
        StringBuilder sb = new StringBuilder();
        if (instruction != null) {
            sb.append(instruction).append(SEPARATOR);
        }
        for (Example d : demonstrations) {
            sb.append(taskTemplate.render(d)).append(answerEnd).append(SEPARATOR);
        }
        sb.append(taskTemplate.context(query.input()));
        return new Example(sb.toString(), query.output());
    }

    /** The full text of an episode with the query answered and ended like a demonstration (a pretraining document). */
    public String episode(List<Example> demonstrations, Example query) {
        Example e = layout(demonstrations, query);
        return layoutTemplate.render(e) + answerEnd;
    }
}
