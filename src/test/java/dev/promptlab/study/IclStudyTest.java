package dev.promptlab.study;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.promptlab.adapt.SoftPrompt;
import dev.promptlab.adapt.SoftPromptConfig;
import dev.promptlab.icl.Demonstration;
import dev.promptlab.icl.Episode;
import dev.promptlab.model.LoadedModel;
import dev.promptlab.tensor.Rng;
import dev.promptlab.train.AdapterObjective;
import dev.promptlab.train.Batch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The ICL study's machinery on a random tiny model and two small file tasks: every section of
 * result.json and the predictions files, resume cell by cell, IPT's loss on the answer tokens
 * only, and training examples that never retrieve themselves.
 */
class IclStudyTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path shared;
    static Path model;
    static List<IclTask> tasks;

    @BeforeAll
    static void data() throws Exception {
        model = IclTestData.tinyModel(shared);
        IclTestData.writeTask(shared.resolve("a-train.jsonl"), shared.resolve("a-test.jsonl"), "colour", 12, 6);
        IclTestData.writeTask(shared.resolve("b-train.jsonl"), shared.resolve("b-test.jsonl"), "size", 12, 6);
        tasks = List.of(
                IclTask.files("colours", shared.resolve("a-train.jsonl"), shared.resolve("a-test.jsonl"),
                        IclTestData.TEMPLATE, "instruction", List.of("bleu", "exact-match")),
                IclTask.files("sizes", shared.resolve("b-train.jsonl"), shared.resolve("b-test.jsonl"),
                        IclTestData.TEMPLATE, null, List.of("exact-match")));
    }

    private static IclStudyConfig config(long seed) {
        return new IclStudyConfig("custom", List.of(model.toString()), tasks, List.of(IclMethod.values()), List.of(1, 2),
                List.of(1L, 2L), 2, 2, 0.03, 2, List.of(1, 2), IclRetrieval.EMBEDDING, 2, true, 0, 0, 8, 1, seed);
    }

    @Test
    void aSmallStudyWritesEverySectionAndResumesCellByCell(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("run");
        List<String> log = new ArrayList<>();
        IclStudy.Outcome outcome = IclStudy.run(config(0), run, false, log::add);
        JsonNode result = JSON.readTree(run.resolve("result.json").toFile());
        assertEquals(outcome.result().get("results").size(), result.get("results").size());
        // per task: 3 ICL methods x 2 k, PT, IPT and IPT-fixed x 2 k, and the sweep's PT and IPT at P = 1
        assertEquals(2 * (6 + 1 + 4 + 2), result.get("results").size());
        JsonNode bm25 = find(result, "colours", "icl-bm25", 2, 0);
        assertEquals(1, bm25.get("seeds").size(), "retrieval is deterministic: one run");
        JsonNode pt = find(result, "colours", "pt", 0, 2);
        assertEquals(2, pt.get("metrics").get("bleu").get("per_seed").size());
        assertTrue(pt.has("final_loss") && pt.get("metrics").has("exact-match"));
        assertTrue(find(result, "sizes", "ipt", 2, 1) != null, "the sweep's IPT runs at the largest k");
        assertEquals(2 * 2 * 2, result.get("similarity_bins").size(), "2 tasks x 2 k x 2 bins");
        assertEquals(4, result.get("transfer").size(), "every (source, target) pair");
        assertEquals(6, result.get("findings").size());
        assertTrue(Files.readString(run.resolve("report.html")).contains("Similarity bins"));

        String m = IclStudy.modelName(model.toString());
        Path predictions = run.resolve("predictions").resolve(m).resolve("colours");
        List<String> ipt = Files.readAllLines(predictions.resolve("ipt-k1-seed1.jsonl"));
        assertEquals(6, ipt.size());
        JsonNode line = JSON.readTree(ipt.get(0));
        assertTrue(line.has("input") && line.has("reference") && line.has("prediction"), line.toString());
        assertEquals(1, line.get("demos").size());
        assertTrue(line.get("demos").get(0).get("score").isDouble() && line.get("demos").get(0).has("input"));
        assertEquals(0, JSON.readTree(Files.readAllLines(predictions.resolve("pt-k0-seed2.jsonl")).get(0)).get("demos").size());
        assertTrue(JSON.readTree(Files.readAllLines(predictions.resolve("icl-random-k2-seed2.jsonl")).get(0))
                .get("demos").get(0).get("score").isNull(), "random demonstrations have no similarity");
        assertTrue(Files.isRegularFile(predictions.resolve("pt-k0-p1-seed1.jsonl")), "sweep runs carry their P");
        assertTrue(Files.isRegularFile(predictions.resolve("transfer-from-sizes-k2-seed2.jsonl")));
        assertTrue(Files.isDirectory(run.resolve("adapters").resolve(m).resolve("sizes").resolve("pt-k0-seed1")));

        // resume: a lost cell (the last line of the store) runs again, and only it
        Path store = run.resolve("cells.jsonl");
        List<String> cells = Files.readAllLines(store);
        Files.write(store, cells.subList(0, cells.size() - 1));
        List<String> again = new ArrayList<>();
        IclStudy.run(config(0), run, true, again::add);
        assertEquals(1, again.size(), "only the lost cell runs again: " + again);
        assertEquals(cells.size(), Files.readAllLines(store).size());
        assertEquals(result.get("results"), JSON.readTree(run.resolve("result.json").toFile()).get("results"));

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> IclStudy.run(config(5), run, true, s -> {}));
        assertTrue(e.getMessage().contains("other settings"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> IclStudy.run(config(0), run, false, s -> {}));
        assertTrue(e.getMessage().contains("not empty"), e.getMessage());
        assertTrue(IclStudy.summary(run).contains("Sun et al."));
    }

    private static JsonNode find(JsonNode result, String task, String method, int k, int p) {
        for (JsonNode r : result.get("results")) {
            if (r.get("task").asText().equals(task) && r.get("method").asText().equals(method)
                    && r.get("shots").asInt() == k && r.get("prompt_length").asInt() == p) {
                return r;
            }
        }
        return null;
    }

    @Test
    void iptLossCountsTheAnswerTokensOnlyAndNoTrainingExampleRetrievesItself() throws Exception {
        IclTask.Loaded data = tasks.get(0).load(0, 0);
        try (LoadedModel loaded = LoadedModel.load(model);
                IclEpisodes episodes = new IclEpisodes(loaded, data, 2, 0, 8);
                SoftPrompt prompt = SoftPrompt.create(new SoftPromptConfig(2, SoftPromptConfig.Init.RANDOM, null),
                        loaded.model(), loaded.tokenizer(), new Rng(3));
                NDManager scope = loaded.model().manager().newSubManager()) {
            List<Episode> train = episodes.training(IclMethod.IPT, 2, IclRetrieval.EMBEDDING, 1, 2);
            assertEquals(data.train().size(), train.size());
            for (int i = 0; i < train.size(); i++) {
                for (Demonstration d : train.get(i).demonstrations()) {
                    assertFalse(d.index() == i, "training example " + i + " retrieved itself");
                }
            }
            List<Episode> fixed = episodes.training(IclMethod.IPT_FIXED, 2, IclRetrieval.EMBEDDING, 1, 2);
            assertEquals(data.train().size() - 2, fixed.size(), "IPT-fixed trains without its fixed demonstrations");

            List<Episode> some = train.subList(0, 4);
            Batch batch = Batch.ofExamples(some.stream().map(Episode::encoded).toList(), 0, scope);
            double loss = new AdapterObjective(loaded.model(), prompt).loss(batch).getFloat();
            // by hand: the mean NLL of each query's answer tokens (and EOS), nothing else
            NDArray logProbs = AdapterObjective.logits(loaded.model(), prompt, batch.ids()).logSoftmax(2); // (B, T, V)
            float[] lp = logProbs.toFloatArray();
            int t = batch.length();
            int v = (int) logProbs.getShape().get(2);
            double sum = 0;
            int count = 0;
            for (int row = 0; row < some.size(); row++) {
                int[] context = some.get(row).encoded().context();
                int[] target = some.get(row).encoded().target();
                for (int j = 0; j < target.length; j++) {
                    int position = context.length - 1 + j; // the position that predicts target[j]
                    sum -= lp[(row * t + position) * v + target[j]];
                    count++;
                }
            }
            assertEquals(sum / count, loss, 1e-4);
        }
    }
}
