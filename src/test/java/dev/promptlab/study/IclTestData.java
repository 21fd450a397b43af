package dev.promptlab.study;

import ai.djl.ndarray.NDManager;
import dev.promptlab.model.Architectures;
import dev.promptlab.model.LanguageModel;
import dev.promptlab.model.LoadedModel;
import dev.promptlab.model.ModelConfig;
import dev.promptlab.tensor.Rng;
import dev.promptlab.tokenize.WordTokenizer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Small generation tasks as JSONL files and a random 1-layer GPT with a word tokenizer that covers
 * them, for fast end-to-end runs of the ICL study (the machinery, not the findings).
 */
final class IclTestData {
    static final List<String> NOUNS = List.of("cat", "dog", "fox", "owl", "cow", "pig", "hen", "elk", "bat", "ant", "bee",
            "eel", "yak", "ram", "emu", "gnu");
    static final List<String> COLOURS = List.of("red", "blue", "green", "grey", "brown");
    static final String TEMPLATE = "{input} = {output}";

    private IclTestData() {}

    /** "name : N ; colour : C" → "the N is C ." (or, for {@code kind} "size", "N is C sized ."), training nouns first. */
    static void writeTask(Path train, Path test, String kind, int trainRows, int testRows) throws IOException {
        List<String> tr = new ArrayList<>();
        List<String> te = new ArrayList<>();
        for (int i = 0; i < trainRows + testRows; i++) {
            String noun = NOUNS.get(i % NOUNS.size());
            String colour = COLOURS.get((i * 7 + kind.length()) % COLOURS.size());
            String input = "name : " + noun + " ; " + kind + " : " + colour;
            String output = kind.equals("size") ? noun + " is " + colour + " sized ." : "the " + noun + " is " + colour + " .";
            (i < trainRows ? tr : te).add("{\"input\": \"" + input + "\", \"output\": \"" + output + "\"}");
        }
        Files.write(train, tr);
        Files.write(test, te);
    }

    /** A random GPT (1 layer, 16 wide, context 96) whose word tokenizer knows every word of the tasks. */
    static Path tinyModel(Path dir) throws IOException {
        List<String> text = new ArrayList<>();
        for (String n : NOUNS) {
            for (String c : COLOURS) {
                text.add("name : " + n + " ; colour : " + c + " = the " + n + " is " + c + " . size sized instruction");
            }
        }
        WordTokenizer tokenizer = WordTokenizer.fit(text, 200, 1);
        ModelConfig config = new ModelConfig("gpt", tokenizer.vocabSize(), 96, 16, 1, 2, 64, 1e-5, tokenizer.bosId(),
                tokenizer.eosId());
        Path model = dir.resolve("model");
        try (NDManager manager = NDManager.newBaseManager();
                LanguageModel gpt = Architectures.byName("gpt").init(config, manager, new Rng(1))) {
            LoadedModel.save(gpt, tokenizer, model);
        }
        return model;
    }
}
