package dev.promptlab.study.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.promptlab.eval.ClassificationResult;
import dev.promptlab.model.LoadedModel;
import dev.promptlab.task.Example;
import dev.promptlab.task.builtin.wordnet.BuiltinTask;
import dev.promptlab.task.builtin.wordnet.BuiltinTasks;
import dev.promptlab.task.builtin.wordnet.Split;
import dev.promptlab.tokenize.WordTokenizer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The built-in model recipe still trains: a short run of the tiny recipe (fewer steps and
 * episodes) whose loss falls, which writes a loadable model and a model card, whose tokenizer
 * round-trips task text and which scores built-in tasks.
 */
class BuiltinPretrainingTest {
    private static final int STEPS = 30;
    private static final ModelRecipe RECIPE = BuiltinModels.recipe("tiny").withSteps(STEPS).scaledDown(2000, 8);
    @TempDir
    static Path dir;
    static Path out;
    static JsonNode card;

    @BeforeAll
    static void pretrainShort() throws Exception {
        out = dir.resolve("tiny");
        card = BuiltinPretraining.run(RECIPE, out, new BuiltinPretraining.Options(false, 0, false, false));
    }

    @Test
    void lossFallsAndTheCardSaysSo() throws Exception {
        List<Double> losses = new ArrayList<>();
        for (String line : Files.readAllLines(out.resolve("metrics.jsonl"))) {
            losses.add(new ObjectMapper().readTree(line).get("loss").asDouble());
        }
        assertTrue(losses.size() >= 3, "metrics lines: " + losses.size());
        assertTrue(losses.get(losses.size() - 1) < losses.get(0) - 1.0,
                "loss should fall by more than 1 nat in " + STEPS + " steps: " + losses);
        assertEquals(STEPS, card.get("steps").asInt());
        assertEquals(64, card.get("data_sha256").asText().length());
        double ppl = card.get("figures").get("heldout_perplexity").asDouble();
        // what the model learned shows on held-out text: below the perplexity of its first logged steps
        // (e^8.5, about 4800, against about 115 after 30 steps), not merely below the uniform 8192
        assertTrue(ppl > 1 && ppl < Math.exp(losses.get(0)), "held-out perplexity " + ppl + " is not below e^"
                + losses.get(0) + ", the start of training");
        assertTrue(Files.isRegularFile(out.resolve("model_card.json")));
    }

    @Test
    void corpusIsDeterministicAndHoldsOutTestWords() {
        PretrainCorpus a = PretrainCorpus.build(RECIPE);
        assertEquals(card.get("data_sha256").asText(), a.sha256(), "the same recipe builds the same corpus");
        assertTrue(!a.sha256().equals(PretrainCorpus.build(RECIPE.scaledDown(10, 8)).sha256()));
        // no test-split answer of the name task appears as the head of a training gloss document
        BuiltinTask name = BuiltinTasks.get("name");
        java.util.Set<String> heads = new java.util.HashSet<>();
        for (String doc : a.documents()) {
            int paren = doc.indexOf(" (");
            if (paren > 0 && !doc.contains("\n")) {
                for (String lemma : doc.substring(0, paren).split(", ")) {
                    heads.add(lemma);
                }
            }
        }
        for (Example e : name.examples(Split.TEST)) {
            assertTrue(!heads.contains(e.output()), "test word '" + e.output() + "' has a gloss in the pretraining corpus");
        }
        assertTrue(!a.heldOut().isEmpty());
    }

    @Test
    void loadsScoresAndRoundTripsTaskText() throws Exception {
        try (LoadedModel loaded = LoadedModel.load(out)) {
            WordTokenizer tok = (WordTokenizer) loaded.tokenizer();
            assertTrue(tok.vocabSize() <= BuiltinModels.recipe("tiny").vocabSize());
            long unknown = 0;
            long total = 0;
            for (String taskName : BuiltinTasks.names()) {
                BuiltinTask task = BuiltinTasks.get(taskName);
                for (Example e : task.examples(Split.TRAIN).subList(0, 20)) {
                    String text = task.spec().template().render(e);
                    int[] ids = tok.encode(text);
                    for (int id : ids) {
                        unknown += id == tok.unkId() ? 1 : 0;
                    }
                    total += ids.length;
                    if (java.util.Arrays.stream(ids).noneMatch(id -> id == tok.unkId())) {
                        assertEquals(String.join(" ", tok.split(text)), tok.decode(ids), text);
                    }
                }
                // every label and every short answer can be written exactly
                for (String label : task.spec().labels()) {
                    assertEquals(label, tok.decode(tok.encode(label)));
                }
                // the vocabulary holds the short answers of the tasks in the recipe's mix only
                boolean inVocabulary = BuiltinTasks.pretrainingNames(RECIPE.iclStudyTasks()).contains(taskName);
                if (inVocabulary && !task.spec().metric().equals("bleu") && task.spec().labels().isEmpty()) {
                    for (Example e : task.examples(Split.TEST)) {
                        assertEquals(e.output(), tok.decode(tok.encode(e.output())), taskName);
                    }
                }
            }
            // The recipes' 8,192-word vocabulary (every task answer + the most frequent gloss words) trades
            // coverage for a 2x cheaper output layer; it leaves 6.6% of task-text tokens unknown (rare gloss
            // words), where 16,000 words left under 5%. The bar guards against a regression beyond that.
            assertTrue(unknown < 0.08 * total, "too many <unk> in task text: " + unknown + " of " + total);

            ModelFigures figures = new ModelFigures(loaded.model(), tok, 2, 6, 3);
            BuiltinTask topic = BuiltinTasks.get("topic");
            ClassificationResult r = figures.classification(topic);
            assertEquals(6, r.n());
            assertTrue(topic.spec().labels().containsAll(r.predictions()), r.predictions().toString());
            JsonNode gen = figures.generation(BuiltinTasks.get("antonym"), 3);
            assertEquals(6, gen.get("n").asInt());
            // an untrained model's figures, but figures of what it wrote: exact match counts whole examples, a match
            // has ROUGE-L 1, and the shown prediction is at most the 3 tokens asked for
            double em = gen.get("exact_match").asDouble();
            assertEquals(Math.round(em * 6), em * 6, 1e-9, "exact match counts examples: " + gen);
            assertTrue(gen.get("rouge_l").asDouble() >= em && gen.get("rouge_l").asDouble() <= 1, gen.toString());
            assertTrue(tok.encode(gen.get("example_prediction").asText()).length <= 3, gen.toString());
        }
    }

    @Test
    void theIclStudySwitchAddsThoseTasksToTheMixAndLeavesTheRecipesWithoutItAlone() {
        ModelRecipe off = BuiltinModels.recipe("tiny");
        ModelRecipe on = off.withIclStudyTasks(true);
        assertTrue(BuiltinModels.recipe("small").iclStudyTasks(), "builtin:small is pretrained with the ICL-study tasks");
        assertTrue(!off.iclStudyTasks() && !off.toString().contains("iclStudyTasks"), off.toString());
        assertTrue(!new ObjectMapper().valueToTree(off).has("iclStudyTasks"), "tiny's card recipe JSON is unchanged");
        assertTrue(new ObjectMapper().valueToTree(on).get("iclStudyTasks").asBoolean());
        assertTrue(!on.toString().equals(off.toString()), "a switched-on recipe gets its own cache directory");
        assertTrue(on.withSteps(5).scaledDown(10, 2).iclStudyTasks(), "derived recipes keep the switch");
        String marker = "\nLogical form:";
        assertTrue(PretrainCorpus.build(RECIPE.scaledDown(300, 8)).documents().stream().noneMatch(d -> d.contains(marker)));
        PretrainCorpus with = PretrainCorpus.build(RECIPE.scaledDown(300, 8).withIclStudyTasks(true));
        assertTrue(with.documents().stream().anyMatch(d -> d.contains(marker)), "semantic-parse episodes are in the mix");
    }

    @Test
    void recipesAreValidatedAndUnknownNamesListTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BuiltinModels.recipe("huge"));
        assertTrue(e.getMessage().contains("huge") && e.getMessage().contains("builtin:small"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new ModelRecipe("x", 2, 3, 128, 256, 1000, 10, 8, 1e-3, 0, 1, 0, 4, 10));
        assertTrue(e.getMessage().contains("128") && e.getMessage().contains("3"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ModelRecipe("x", 2, 4, 128, 256, 1000, 10, 8, 1e-3, 11, 1, 0, 4, 10));
        assertEquals(List.of("tiny", "small", "base"), BuiltinModels.names());
        assertTrue(BuiltinModels.cacheDir("tiny").startsWith(BuiltinModels.home()));
    }
}
