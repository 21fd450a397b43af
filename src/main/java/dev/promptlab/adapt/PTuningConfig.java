package dev.promptlab.adapt;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptlab.model.LanguageModel;
import dev.promptlab.tensor.Rng;
import dev.promptlab.tokenize.Tokenizer;

/**
 * Configuration of {@link PTuning} (Liu et al. 2021, "GPT Understands, Too"; PEFT's P_TUNING).
 *
 * @param length number of virtual tokens P
 * @param encoder the reparametrisation of the prompt (PEFT's encoder_reparameterization_type)
 * @param encoderHiddenSize H of the encoder; 0 means C, the model's hidden size (PEFT's default)
 */
public record PTuningConfig(int length, Encoder encoder, int encoderHiddenSize) implements PromptConfig {

    /** PEFT's PromptEncoderReparameterizationType. */
    public enum Encoder {
        /** Linear(C, H) ReLU Linear(H, H) ReLU Linear(H, C) on an embedding (P, C). */
        MLP,
        /** A bidirectional 2-layer LSTM (hidden H) on the embedding, then Linear(2H, 2H) ReLU Linear(2H, C). */
        LSTM;

        /** Parses the CLI spelling: mlp, lstm. */
        public static Encoder parse(String s) {
            switch (s.toLowerCase()) {
                case "mlp": return MLP;
                case "lstm": return LSTM;
                default:
                    throw new IllegalArgumentException("unknown encoder type '" + s + "' (allowed: mlp, lstm)");
            }
        }
    }

    public PTuningConfig {
        if (length < 1 || length > 4096) {
            throw new IllegalArgumentException("prompt length must be in [1, 4096], got " + length);
        }
        if (encoder == null) {
            throw new IllegalArgumentException("the encoder type must be set (mlp or lstm)");
        }
        if (encoderHiddenSize < 0 || encoderHiddenSize > 65536) {
            throw new IllegalArgumentException("encoder hidden size must be in [1, 65536] (or 0 for the model's hidden"
                    + " size), got " + encoderHiddenSize);
        }
    }

    @Override
    public String method() {
        return PTuning.METHOD;
    }

    @Override
    public Adapter create(LanguageModel model, Tokenizer tokenizer, Rng rng) {
        return PTuning.create(this, model, rng);
    }

    @Override
    public void writeJson(ObjectNode json) {
        json.put("prompt_length", length);
        json.put("encoder_type", encoder.name().toLowerCase());
        json.put("encoder_hidden_size", encoderHiddenSize);
    }

}
