package dev.promptlab.task;

import dev.promptlab.tokenize.Tokenizer;

/** Renders and tokenizes examples for one tokenizer and template. */
public final class Encoder {
    private final Tokenizer tokenizer;
    private final Template template;

    public Encoder(Tokenizer tokenizer, Template template) {
        this.tokenizer = tokenizer;
        this.template = template;
    }

    public Tokenizer tokenizer() {
        return tokenizer;
    }

    public Template template() {
        return template;
    }

    /** Context ids: optional BOS, then the rendered text before the output. */
    public int[] context(String input) {
        return withBos(tokenizer.encode(template.context(input)));
    }

    /** {@code ids} after a BOS when the tokenizer's models start with one, else {@code ids} itself. */
    public int[] withBos(int[] ids) {
        if (!tokenizer.addsBos() || tokenizer.bosId() < 0) {
            return ids;
        }
        int[] out = new int[ids.length + 1];
        out[0] = tokenizer.bosId();
        System.arraycopy(ids, 0, out, 1, ids.length);
        return out;
    }

    /** Target ids of an output; with {@code appendEos} the model also learns where to stop. */
    public int[] target(String output, boolean appendEos) {
        int[] ids = tokenizer.encode(template.target(output));
        if (!appendEos || tokenizer.eosId() < 0) {
            return ids;
        }
        int[] withEos = java.util.Arrays.copyOf(ids, ids.length + 1);
        withEos[ids.length] = tokenizer.eosId();
        return withEos;
    }

    public EncodedExample encode(Example example, boolean appendEos) {
        int[] target = target(example.output(), appendEos);
        if (target.length == 0) {
            throw new DataFormatException("output \"" + example.output() + "\" has no tokens");
        }
        return new EncodedExample(context(example.input()), target);
    }

    /**
     * Encodes every example and checks that each fits the model's context together with
     * {@code virtual} positions taken before it (a prompt); errors name {@code source} and the
     * example's line.
     *
     * @param appendEos whether outputs end with EOS (generation: the model learns to stop)
     */
    public java.util.List<EncodedExample> encodeAll(java.util.List<Example> examples, boolean appendEos, int virtual,
            int contextLength, String source) {
        java.util.List<EncodedExample> out = new java.util.ArrayList<>(examples.size());
        for (int i = 0; i < examples.size(); i++) {
            EncodedExample e;
            try {
                e = encode(examples.get(i), appendEos);
            } catch (RuntimeException ex) {
                throw new IllegalArgumentException(source + ": example " + (i + 1) + ": " + ex.getMessage());
            }
            int positions = virtual + e.length() - 1;
            if (positions > contextLength) {
                throw new IllegalArgumentException(source + ": example " + (i + 1) + " needs " + positions
                        + " positions (prompt " + virtual + " + input and output " + e.length()
                        + " tokens - 1) but the model's context is " + contextLength + " tokens");
            }
            out.add(e);
        }
        return out;
    }
}
