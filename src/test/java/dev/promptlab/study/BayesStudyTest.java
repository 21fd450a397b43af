package dev.promptlab.study;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.promptlab.analysis.Bayes;
import dev.promptlab.analysis.Divergence;
import dev.promptlab.model.CoinModels;
import dev.promptlab.model.InputVectorModel;
import dev.promptlab.task.builtin.coins.CoinSequences;
import dev.promptlab.task.builtin.coins.RandomCoins;
import dev.promptlab.tensor.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

class BayesStudyTest {
    /** A small study: {@code steps} everywhere, tiny networks unless {@code hidden} says otherwise. */
    private static BayesStudyConfig small(List<String> networks, int hidden, int pretrainSteps, int pretrainBatch,
            int pretrainLength, double pretrainLr, int evalSequences) {
        return new BayesStudyConfig("custom", networks, true, true, hidden, 2, 2 * hidden, pretrainSteps, pretrainBatch,
                pretrainLength, pretrainLr, 2, 4, 10, 0.05, 0.003, 1.0, 2, 2, 2, 4, evalSequences, 200, 1);
    }

    @Test
    void aMetaTrainedNetworkLearnsToBeBayesian() {
        BayesStudyConfig config = small(List.of("lstm"), 32, 300, 32, 40, 5e-3, 4);
        try (NDManager root = NDManager.newBaseManager();
                InputVectorModel init = CoinModels.init("lstm", 32, 2, 64, 64, root, new Rng(3))) {
            CoinSequences fresh = RandomCoins.uniform().sample(256, 40, new Rng(99));
            double before = BayesStudy.klToPreBayes(init, fresh);
            double[] loss = new double[1];
            try (InputVectorModel trained = BayesStudy.pretrain(init, config, root, 7, loss, s -> {}, "lstm")) {
                double after = BayesStudy.klToPreBayes(trained, fresh);
                // A yardstick: the Bayes predictor of another prior, Beta(1/2, 1/2) (Krichevsky-Trofimov), is
                // this far from the Beta(1, 1) predictor. A network that learned the pretraining prior, not just
                // to count, must be closer than that; the untrained one is about 50 times farther.
                double otherPrior = Divergence.meanKl(Bayes.betaBernoulli(1, 1).predict(fresh),
                        Bayes.betaBernoulli(0.5, 0.5).predict(fresh));
                assertTrue(before > 10 * otherPrior, "untrained KL " + before + ", Beta(1/2, 1/2) " + otherPrior);
                assertTrue(after < otherPrior, "meta-trained KL " + after + " is not below Beta(1/2, 1/2)'s " + otherPrior
                        + " (untrained " + before + ")");
                assertTrue(trained.parameters().values().stream().noneMatch(ai.djl.ndarray.NDArray::hasGradient),
                        "the returned network needs no gradient");
            }
        }
    }

    @Test
    void aTinyStudyRunsEveryMethodAndWritesItsFiles(@TempDir Path dir) throws Exception {
        BayesStudyConfig config = small(List.of("lstm", "transformer"), 8, 3, 4, 20, 1e-3, 6);
        BayesStudy.Outcome outcome = new BayesStudy(config).run(s -> {});
        new BayesReport(config, outcome, Map.of("threads", 1)).write(dir);
        JsonNode result = new ObjectMapper().readTree(dir.resolve("result.json").toFile());
        assertEquals(2, result.path("settings").path("reps").asInt());
        Set<String> cells = new HashSet<>();
        for (JsonNode r : result.path("results")) {
            String network = r.path("network").asText();
            String method = r.path("method").asText();
            cells.add(network + "/" + r.path("pretrained").asBoolean() + "/" + r.path("target").asText() + "/" + method);
            for (String n : List.of("50", "100", "200")) {
                JsonNode at = r.path("regret").path(n);
                assertTrue(at.path("q25").asDouble() <= at.path("median").asDouble()
                        && at.path("median").asDouble() <= at.path("q75").asDouble(), r.toString());
            }
            if (method.equals("TargetBayes") && r.path("target").asText().equals("single-coin")) {
                assertEquals(0, r.path("regret").path("200").path("median").asDouble(), 1e-6);
            }
        }
        for (String network : List.of("lstm", "transformer")) {
            for (boolean pretrained : List.of(true, false)) {
                for (String target : List.of("single-coin", "two-coin-mixture")) {
                    for (BayesMethod m : BayesMethod.values()) {
                        boolean expected = m != BayesMethod.LORA_WT || network.equals("transformer");
                        assertEquals(expected, cells.contains(network + "/" + pretrained + "/" + target + "/" + m.label()),
                                network + " " + pretrained + " " + target + " " + m.label());
                    }
                }
            }
        }
        assertEquals(2 * 2 * 2 * 14 - 4, cells.size());
        String html = Files.readString(dir.resolve("report.html"));
        assertTrue(html.contains("data:image/png;base64,"), "plots are embedded");
        assertTrue(html.contains("Un+EmbedWT") && html.contains("two-coin-mixture"));
        assertTrue(new ObjectMapper().readTree(dir.resolve("curves.json").toFile()).path("results").get(0)
                .path("median").size() == 200);
    }

    @Test
    void settingsAreValidatedWithTheBadValue() {
        assertEquals(List.of("lstm", "transformer"), BayesStudyConfig.quick().networks());
        assertTrue(BayesStudyConfig.quick().pretrained() && BayesStudyConfig.quick().untrained());
        assertEquals(1000, BayesStudyConfig.full().tuneSteps());
        assertEquals(10, BayesStudyConfig.full().reps());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BayesStudyConfig.quick().with(List.of("gru"), true, true, 3));
        assertTrue(e.getMessage().contains("gru") && e.getMessage().contains("lstm, transformer"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> BayesStudyConfig.quick().with(List.of("lstm"), true, true, 0));
        assertTrue(e.getMessage().contains("repetitions") && e.getMessage().contains("0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> BayesStudyConfig.quick().with(List.of("lstm"), false, false, 3));
    }
}
