package dev.promptlab.adapt;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptlab.model.LanguageModel;
import dev.promptlab.tensor.Rng;
import dev.promptlab.tokenize.Tokenizer;

/**
 * Configuration of a soft prompt (Lester et al. 2021; PEFT's PROMPT_TUNING).
 *
 * @param length number of virtual tokens P
 * @param init how the P×C matrix starts
 * @param initText the text whose token embeddings start the prompt (init TEXT only); as in PEFT,
 *     its tokens are cut to P or repeated until they fill P
 */
public record SoftPromptConfig(int length, Init init, String initText) implements PromptConfig {

    /** Initialisation, named as PEFT's {@code prompt_tuning_init}. */
    public enum Init {
        /** Normal noise with the per-element standard deviation of the embedding matrix. */
        RANDOM,
        /** Rows of the embedding matrix sampled uniformly (PEFT's SAMPLE_VOCAB). */
        SAMPLE_VOCAB,
        /** The embeddings of {@code initText}'s tokens. */
        TEXT;

        /** Parses the CLI spelling: random, vocab, text. */
        public static Init parse(String s) {
            switch (s.toLowerCase()) {
                case "random": return RANDOM;
                case "vocab": case "sample_vocab": return SAMPLE_VOCAB;
                case "text": return TEXT;
                default:
                    throw new IllegalArgumentException("unknown prompt init '" + s + "' (allowed: random, vocab, text)");
            }
        }

        /** The CLI spelling, which {@link #parse} reads back. */
        public String cliName() {
            return this == SAMPLE_VOCAB ? "vocab" : name().toLowerCase();
        }
    }

    public SoftPromptConfig {
        if (length < 1 || length > 4096) {
            throw new IllegalArgumentException("prompt length must be in [1, 4096], got " + length);
        }
        if (init == null) {
            throw new IllegalArgumentException("prompt init must be set (random, vocab or text)");
        }
        if (init == Init.TEXT && (initText == null || initText.isBlank())) {
            throw new IllegalArgumentException("prompt init 'text' needs a non-empty init text (--init-text)");
        }
        if (init != Init.TEXT && initText != null && !initText.isBlank()) {
            throw new IllegalArgumentException("an init text was given but the prompt init is " + init
                    + "; use init 'text' to start from it");
        }
    }

    @Override
    public String method() {
        return SoftPrompt.METHOD;
    }

    @Override
    public Adapter create(LanguageModel model, Tokenizer tokenizer, Rng rng) {
        return SoftPrompt.create(this, model, tokenizer, rng);
    }

    @Override
    public void writeJson(ObjectNode json) {
        json.put("prompt_length", length);
        json.put("init", init.cliName());
        if (initText != null) {
            json.put("init_text", initText);
        }
    }

}
