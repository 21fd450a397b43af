package dev.promptlab.tokenize;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Loading and saving the tokenizer of a model directory (the Hugging Face layout:
 * {@code tokenizer.json}, or {@code vocab.json} + {@code merges.txt}, beside
 * {@code config.json}).
 */
public final class Tokenizers {
    private Tokenizers() {}

    /**
     * The tokenizer of {@code modelDir}: a promptlab WordLevel {@code tokenizer.json} becomes a
     * {@link WordTokenizer} (pure Java, no native code); anything else an {@link HfTokenizer}.
     * {@code modelDir} may also name a {@code tokenizer.json} file directly.
     *
     * @throws IllegalArgumentException naming the directory when it holds no tokenizer
     */
    public static Tokenizer load(Path modelDir) {
        Objects.requireNonNull(modelDir, "modelDir");
        Path dir = modelDir;
        Path file = modelDir.resolve("tokenizer.json");
        if (Files.isRegularFile(modelDir)) {
            file = modelDir;
            dir = modelDir.toAbsolutePath().getParent();
            if (!file.getFileName().toString().equals("tokenizer.json")) {
                // HfTokenizer reads a directory's tokenizer.json; a differently named file only works for us.
                return WordTokenizer.load(file);
            }
        }
        if (Files.isRegularFile(file)) {
            JsonNode root = TokenizerJson.read(file);
            if (WordTokenizer.incompatibility(root) == null) {
                return WordTokenizer.load(file);
            }
        }
        return HfTokenizer.load(dir);
    }

    /**
     * Saves {@code tokenizer} into {@code modelDir} so that {@link #load} gives it back: a
     * {@link WordTokenizer} as {@code tokenizer.json}, an {@link HfTokenizer} by copying its
     * source files.
     *
     * @throws IllegalArgumentException for tokenizers without a file form (such as
     *     {@link SymbolTokenizer})
     */
    public static void save(Tokenizer tokenizer, Path modelDir) {
        Objects.requireNonNull(tokenizer, "tokenizer");
        if (tokenizer instanceof WordTokenizer) {
            ((WordTokenizer) tokenizer).save(modelDir.resolve("tokenizer.json"));
        } else if (tokenizer instanceof HfTokenizer) {
            ((HfTokenizer) tokenizer).save(modelDir);
        } else {
            throw new IllegalArgumentException("cannot save a " + tokenizer.getClass().getSimpleName()
                    + " to " + modelDir + ": only WordTokenizer and HfTokenizer have a file form");
        }
    }
}
