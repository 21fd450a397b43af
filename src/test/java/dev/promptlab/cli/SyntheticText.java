package dev.promptlab.cli;

import dev.promptlab.tensor.Rng;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A tiny English-like world for end-to-end tests: sentences that place animals and foods in
 * typical contexts (the corpus), and a yes/no task "is the noun in this neutral sentence an
 * animal?" whose test split uses nouns never seen in the task's training split. A frozen model
 * can only solve it from what pretraining taught it about the nouns.
 */
final class SyntheticText {
    static final List<String> ANIMALS = List.of("cat", "dog", "horse", "cow", "sheep", "goat", "pig", "duck", "goose",
            "rabbit", "mouse", "fox", "wolf", "bear", "deer", "lion", "tiger", "eagle", "owl", "frog");
    static final List<String> FOODS = List.of("bread", "cheese", "apple", "pear", "rice", "soup", "cake", "pie", "bean",
            "corn", "plum", "grape", "melon", "honey", "butter", "pasta", "salad", "steak", "egg", "milk");
    private static final List<String> ANIMAL_CONTEXTS = List.of("the %s runs in the field", "a %s sleeps in the barn",
            "the %s eats grass all day", "my %s chased the ball", "a wild %s lives in the forest",
            "the young %s drinks from the river", "the farmer feeds the %s", "a %s has four legs");
    private static final List<String> FOOD_CONTEXTS = List.of("i cook the %s for dinner", "the %s tastes sweet",
            "we bought fresh %s at the market", "she bakes %s in the oven", "a bowl of %s is on the table",
            "the %s was served hot", "he ate the %s for lunch", "they sell %s in the shop");
    private static final List<String> NEUTRAL = List.of("i saw the %s today", "look at that %s", "there is a %s here",
            "the %s is over there", "i like the %s");
    private static final List<String> ANSWERS = List.of("yes i agree", "no i do not", "yes it is", "no it is not",
            "he said yes", "she said no");
    /** Nouns [0, SPLIT) of each kind train the task; the rest are held out for its test split. */
    static final int SPLIT = 14;

    private SyntheticText() {}

    private static <T> T pick(List<T> l, Rng rng) {
        return l.get(rng.nextInt(l.size()));
    }

    static void writeCorpus(Path file, int lines, long seed) throws IOException {
        Rng rng = new Rng(seed);
        List<String> out = new ArrayList<>();
        List<String> all = new ArrayList<>(ANIMALS);
        all.addAll(FOODS);
        for (int i = 0; i < lines; i++) {
            double r = rng.nextDouble();
            if (r < 0.38) {
                out.add(String.format(pick(ANIMAL_CONTEXTS, rng), pick(ANIMALS, rng)));
            } else if (r < 0.76) {
                out.add(String.format(pick(FOOD_CONTEXTS, rng), pick(FOODS, rng)));
            } else if (r < 0.95) {
                out.add(String.format(pick(NEUTRAL, rng), pick(all, rng)));
            } else {
                out.add(pick(ANSWERS, rng));
            }
        }
        Files.write(file, out);
    }

    /** The yes/no task; {@code heldOutNouns} draws nouns from the held-out part of each list. */
    static void writeTask(Path file, int perLabel, boolean heldOutNouns, long seed) throws IOException {
        Rng rng = new Rng(seed);
        List<String> animals = heldOutNouns ? ANIMALS.subList(SPLIT, ANIMALS.size()) : ANIMALS.subList(0, SPLIT);
        List<String> foods = heldOutNouns ? FOODS.subList(SPLIT, FOODS.size()) : FOODS.subList(0, SPLIT);
        List<String> rows = new ArrayList<>();
        for (int i = 0; i < perLabel; i++) {
            rows.add(row(String.format(pick(NEUTRAL, rng), pick(animals, rng)), "yes"));
            rows.add(row(String.format(pick(NEUTRAL, rng), pick(foods, rng)), "no"));
        }
        int[] order = rng.permutation(rows.size());
        List<String> shuffled = new ArrayList<>();
        for (int i : order) {
            shuffled.add(rows.get(i));
        }
        Files.write(file, shuffled);
    }

    private static String row(String input, String output) {
        return "{\"input\": \"" + input + "\", \"output\": \"" + output + "\"}";
    }

    /** The files of {@link #taskAndModel}. */
    record TaskAndModel(Path corpus, Path train, Path model) {}

    /**
     * In {@code dir}: corpus.txt (300 lines), train.jsonl (the yes/no task, 24 examples per label) and
     * m/, a random 1-layer GPT (16 wide, 2 heads, context 32) with a word tokenizer fitted on the corpus.
     */
    static TaskAndModel taskAndModel(Path dir) throws IOException {
        TaskAndModel t = new TaskAndModel(dir.resolve("corpus.txt"), dir.resolve("train.jsonl"), dir.resolve("m"));
        writeCorpus(t.corpus(), 300, 7);
        writeTask(t.train(), 24, false, 8);
        CliRunner.Result r = CliRunner.run("init-model", "--arch", "gpt", "--layers", "1", "--heads", "2", "--hidden", "16",
                "--context", "32", "--corpus", t.corpus().toString(), "--out", t.model().toString());
        if (r.exitCode() != 0) {
            throw new IllegalStateException("init-model failed: " + r);
        }
        return t;
    }

    /** A random 1-layer GPT (16 wide, 2 heads) with a word tokenizer fitted on a small corpus, made by init-model. */
    static Path initTinyModel(Path dir, int context) throws IOException {
        Path corpus = dir.resolve("corpus.txt");
        writeCorpus(corpus, 300, 4);
        Path model = dir.resolve("model");
        CliRunner.Result r = CliRunner.run("init-model", "--arch", "gpt", "--layers", "1", "--heads", "2", "--hidden", "16",
                "--context", Integer.toString(context), "--corpus", corpus.toString(), "--out", model.toString());
        if (r.exitCode() != 0) {
            throw new IllegalStateException("init-model failed: " + r);
        }
        return model;
    }
}
