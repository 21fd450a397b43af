package dev.promptlab.eval;

import dev.promptlab.task.Template;

/**
 * The channel order of a template: the label part first, then the input, whose tokens are the
 * ones scored. A template {@code A{input}B{output}} reads, in the direct order,
 * {@code A x B label}; in the channel order it reads {@code B' label, sep, A x}, where
 * {@code B'} is {@code B} without its leading whitespace and {@code sep} is that leading
 * whitespace (a space when {@code B} has none). So {@code "Definition: {input}\nTopic: {output}"}
 * becomes {@code "Topic: animal\nDefinition: x"}, and the default {@code "{input} {output}"}
 * becomes {@code "animal x"}.
 *
 * <p>As in the direct order, the whitespace right before the scored text belongs to the scored
 * text ({@link Template#target}), so sub-word tokenizers see the input as they see it inside a
 * sentence.
 */
final class ChannelLayout {
    private static final String INPUT = "{input}";
    private static final String OUTPUT = "{output}";

    private final String beforeInput; // A
    private final String labelCue; // B without its leading whitespace
    private final String separator; // B's leading whitespace, or a space

    ChannelLayout(Template template) {
        String pattern = template.pattern();
        int in = pattern.indexOf(INPUT);
        int out = pattern.indexOf(OUTPUT);
        this.beforeInput = pattern.substring(0, in);
        String between = pattern.substring(in + INPUT.length(), out);
        this.labelCue = between.stripLeading();
        String leading = between.substring(0, between.length() - labelCue.length());
        this.separator = leading.isEmpty() ? " " : leading;
    }

    /** The text the model reads before the input: the label part, then the input's own cue. */
    String context(String label) {
        String inputCue = beforeInput.stripTrailing();
        String labelPart = labelCue + label;
        return inputCue.isEmpty() ? labelPart : labelPart + separator + inputCue;
    }

    /** The scored text: the input, preceded by the whitespace that separates it from the context. */
    String target(String input) {
        String inputCue = beforeInput.stripTrailing();
        String before = inputCue.isEmpty() ? separator : beforeInput.substring(inputCue.length());
        return before + input;
    }
}
