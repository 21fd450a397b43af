package dev.promptlab.adapt;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptlab.model.LanguageModel;
import dev.promptlab.tensor.Rng;
import dev.promptlab.tokenize.Tokenizer;

/**
 * Configuration of {@link PrefixTuning} (Li and Liang 2021; PEFT's PREFIX_TUNING).
 *
 * @param length number of virtual key/value positions P per layer
 * @param projection whether the prefix is reparametrised by PEFT's MLP (an embedding (P, D) →
 *     Linear(D, H) → Tanh → Linear(H, 2·L·D)); without it the embedding (P, 2·L·D) is the prefix
 * @param encoderHiddenSize H of the projection MLP; 0 means D (PEFT's default, the key/value
 *     width kvHeads·headSize); only with {@code projection}
 */
public record PrefixConfig(int length, boolean projection, int encoderHiddenSize) implements PromptConfig {
    public PrefixConfig {
        if (length < 1 || length > 4096) {
            throw new IllegalArgumentException("prefix length must be in [1, 4096], got " + length);
        }
        if (encoderHiddenSize < 0 || encoderHiddenSize > 65536) {
            throw new IllegalArgumentException("encoder hidden size must be in [1, 65536] (or 0 for the key/value width),"
                    + " got " + encoderHiddenSize);
        }
        if (!projection && encoderHiddenSize != 0) {
            throw new IllegalArgumentException("an encoder hidden size (" + encoderHiddenSize
                    + ") applies only with the prefix projection (--prefix-projection)");
        }
    }

    @Override
    public String method() {
        return PrefixTuning.METHOD;
    }

    @Override
    public Adapter create(LanguageModel model, Tokenizer tokenizer, Rng rng) {
        return PrefixTuning.create(this, model, rng);
    }

    @Override
    public void writeJson(ObjectNode json) {
        json.put("prompt_length", length);
        json.put("prefix_projection", projection);
        json.put("encoder_hidden_size", encoderHiddenSize);
    }

}
