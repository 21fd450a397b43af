package dev.promptlab.model;

import dev.promptlab.tensor.Devices;
import ai.djl.ndarray.NDManager;
import dev.promptlab.tokenize.Tokenizer;
import dev.promptlab.tokenize.Tokenizers;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A model directory in the Hugging Face layout, loaded: the network, its tokenizer and where it
 * came from. Closing it frees the weights.
 */
public record LoadedModel(LanguageModel model, Tokenizer tokenizer, Path dir) implements AutoCloseable {

    public static LoadedModel load(Path dir) throws IOException {
        Models.readConfig(dir); // the directory and its config.json first: their errors say most
        Tokenizer tokenizer = Tokenizers.load(dir);
        LanguageModel model = Models.load(dir, Devices.newManager());
        if (tokenizer.vocabSize() > model.vocabSize()) {
            model.close();
            throw new IllegalArgumentException(dir + ": the tokenizer has " + tokenizer.vocabSize()
                    + " tokens but the model's vocab_size is " + model.vocabSize());
        }
        return new LoadedModel(model, tokenizer, dir);
    }

    /** Writes config.json, model.safetensors and the tokenizer files into {@code dir}. */
    public static void save(LanguageModel model, Tokenizer tokenizer, Path dir) throws IOException {
        Models.save(model, dir);
        Tokenizers.save(tokenizer, dir);
    }

    @Override
    public void close() {
        model.close();
    }
}
