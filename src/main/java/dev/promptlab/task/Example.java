package dev.promptlab.task;

/** One labelled example: the input text and the expected output text (a label word or free text). */
public record Example(String input, String output) {
    public Example {
        if (input == null || output == null) {
            throw new IllegalArgumentException("an example needs both input and output");
        }
    }
}
