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
}
