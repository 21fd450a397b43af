package dev.promptlab.task;

/**
 * How an example becomes text: a pattern with an {@code {input}} and a final {@code {output}}
 * slot, e.g. {@code "Review: {input} Sentiment: {output}"}. The text before {@code {output}} is
 * the context (never scored); the output, with the separator that precedes it in the pattern,
 * is the target (the only tokens the loss counts).
 */
public record Template(String pattern) {
    /** What reads as a slot: a name in braces (other braces are literal text). Before DEFAULT, which uses it. */
    private static final java.util.regex.Pattern SLOT = java.util.regex.Pattern.compile("\\{[A-Za-z_][A-Za-z0-9_]*}");
    public static final Template DEFAULT = new Template("{input} {output}");
    private static final String INPUT = "{input}";
    private static final String OUTPUT = "{output}";

    public Template {
        if (pattern == null || pattern.isEmpty()) {
            throw new IllegalArgumentException("template must not be empty (default: \"{input} {output}\")");
        }
        java.util.regex.Matcher slot = SLOT.matcher(pattern);
        while (slot.find()) {
            if (!slot.group().equals(INPUT) && !slot.group().equals(OUTPUT)) {
                throw new IllegalArgumentException("template \"" + pattern + "\" has an unknown slot " + slot.group()
                        + " (the slots are {input} and {output}; an example has no other fields)");
            }
        }
        int in = pattern.indexOf(INPUT);
        int out = pattern.indexOf(OUTPUT);
        if (in < 0 || out < 0) {
            throw new IllegalArgumentException("template \"" + pattern + "\" must contain both {input} and {output}");
        }
        if (pattern.indexOf(INPUT, in + 1) >= 0 || pattern.indexOf(OUTPUT, out + 1) >= 0) {
            throw new IllegalArgumentException("template \"" + pattern + "\" must contain {input} and {output} once each");
        }
        if (out < in) {
            throw new IllegalArgumentException("template \"" + pattern + "\": {output} must come after {input}");
        }
        if (!pattern.substring(out + OUTPUT.length()).isBlank()) {
            throw new IllegalArgumentException("template \"" + pattern
                    + "\": {output} must be the last slot (nothing but spaces after it), since only the output is predicted");
        }
    }

    /** Text the model reads before predicting the output (no trailing separator). */
    public String context(String input) {
        String before = pattern.substring(0, pattern.indexOf(OUTPUT)).replace(INPUT, input);
        return stripTrailingSpace(before);
    }

    /** The predicted text: the output preceded by the pattern's separator (a space in the default). */
    public String target(String output) {
        String before = pattern.substring(0, pattern.indexOf(OUTPUT));
        String separator = before.substring(stripTrailingSpace(before).length());
        return separator + output;
    }

    public String render(Example example) {
        return context(example.input()) + target(example.output());
    }

    private static String stripTrailingSpace(String s) {
        int end = s.length();
        while (end > 0 && Character.isWhitespace(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(0, end);
    }
}
