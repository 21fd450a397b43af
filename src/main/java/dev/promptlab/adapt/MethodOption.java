package dev.promptlab.adapt;

/**
 * One command-line option of a tuning method, declared by the method itself ({@link
 * TuningMethod#options()}), so that a new method adds its flags in its own files and the command
 * line learns them from the registry. Several methods may declare the same option (the prompt
 * length); it is one flag that applies to each of them.
 *
 * @param name the flag, e.g. {@code --lora-rank}
 * @param label the value's placeholder in help, e.g. {@code R}; null for a flag without a value
 * @param description help text (without the methods it applies to; the command line adds them)
 */
public record MethodOption(String name, String label, String description) {
    /** The number of virtual tokens, shared by the prompt methods. */
    public static final MethodOption PROMPT_LENGTH = value("--prompt-length", "P",
            "virtual tokens P (default 10)");
    /** A prompt encoder's hidden size, shared by P-tuning and projected prefixes. */
    public static final MethodOption ENCODER_HIDDEN_SIZE = value("--encoder-hidden-size", "H",
            "hidden size of the prompt encoder or prefix projection (default: the model's)");

    public MethodOption {
        if (name == null || !name.matches("--[a-z][a-z0-9-]*")) {
            throw new IllegalArgumentException("an option name looks like --some-name, got " + name);
        }
        if (description == null || description.isBlank()) {
            throw new IllegalArgumentException(name + " needs a description");
        }
    }

    /** An option that takes a value. */
    public static MethodOption value(String name, String label, String description) {
        return new MethodOption(name, label, description);
    }

    /** A boolean flag. */
    public static MethodOption flag(String name, String description) {
        return new MethodOption(name, null, description);
    }

    /** Whether the option is a flag without a value. */
    public boolean isFlag() {
        return label == null;
    }
}
