package dev.promptlab.cli;


import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A small waywardness world for tests: the tiny random GPT of {@link SyntheticText}, its yes/no
 * task as train and test files, and a targets file of corpus sentences (two of 6 tokens, one of
 * 4: two cells) plus one with a word the tokenizer cannot write.
 */
final class WaywardFixtures {
    static final List<String> TARGETS = List.of("the cat runs in the field", "look at that dog",
            "i cook the bread for dinner", "the zebra runs");
    static final String UNWRITABLE = "the zebra runs";

    final Path model;
    final Path train;
    final Path test;
    final Path targets;

    private WaywardFixtures(Path model, Path train, Path test, Path targets) {
        this.model = model;
        this.train = train;
        this.test = test;
        this.targets = targets;
    }

    static WaywardFixtures create(Path dir) throws IOException {
        Path model = SyntheticText.initTinyModel(dir, 32);
        Path train = dir.resolve("train.jsonl");
        Path test = dir.resolve("test.jsonl");
        SyntheticText.writeTask(train, 12, false, 1);
        SyntheticText.writeTask(test, 5, true, 2);
        Path targets = Files.write(dir.resolve("targets.txt"), TARGETS);
        return new WaywardFixtures(model, train, test, targets);
    }
}
