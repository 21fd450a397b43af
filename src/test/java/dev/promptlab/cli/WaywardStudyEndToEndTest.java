package dev.promptlab.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.promptlab.analysis.Projection;
import dev.promptlab.eval.Scoring;
import dev.promptlab.study.WaywardRow;
import dev.promptlab.study.WaywardStudy;
import dev.promptlab.study.WaywardStudyConfig;
import dev.promptlab.study.WaywardTask;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The waywardness study end to end on a tiny random model (seconds): result.json has exactly the
 * issue's schema, a large γ pulls a prompt started elsewhere exactly onto its target (F1 = 1)
 * while γ = 0 leaves it free, flagged targets are reported and not scored, and a study resumed
 * after a crash skips its finished cells and ends with the uninterrupted study's rows.
 */
class WaywardStudyEndToEndTest extends WaywardTestBase {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static Set<String> keys(JsonNode o) {
        Set<String> out = new LinkedHashSet<>();
        for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
            out.add(it.next());
        }
        return out;
    }

    @Test
    void resultJsonHasTheIssuesSchemaAndALargeGammaProjectsExactlyOntoTheTarget() throws IOException {
        Path run = dir.resolve("run");
        // prompts start from random vocabulary rows, so only the pull of γ can bring them onto their target
        CliRunner.Result r = CliRunner.run("wayward", "--model", world.model.toString(), "--train",
                world.train.toString(), "--test", world.test.toString(), "--targets", world.targets.toString(),
                "--init", "vocab", "--gammas", "0,30", "--seeds", "1,2", "--steps", "40", "--lr", "0.1", "--quiet",
                "--out", run.toString());
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().contains("not scored") && r.out().contains(WaywardFixtures.UNWRITABLE), r.out());
        JsonNode result = JSON.readTree(run.resolve("result.json").toFile());
        assertEquals(Set.of("settings", "runs", "selected"), keys(result));
        Set<String> runKeys = Set.of("model", "task", "target", "target_kind", "prompt_length", "gamma", "seed",
                "accuracy", "f1", "projected_text", "projected_accuracy", "distance", "final_loss");
        Set<String> selectedKeys = Set.of("model", "task", "target", "target_kind", "gamma", "accuracy", "f1",
                "best_gamma0_accuracy", "gap");
        assertEquals(3 * 2 * 2, result.get("runs").size(), "3 scored targets x 2 gammas x 2 seeds");
        for (JsonNode row : result.get("runs")) {
            assertEquals(runKeys, keys(row), row.toString());
            assertNotEquals(WaywardFixtures.UNWRITABLE, row.get("target").asText(), "a flagged target is never scored");
            double f1 = row.get("f1").asDouble();
            if (row.get("gamma").asDouble() == 30) {
                assertEquals(1.0, f1, "a large gamma projects exactly onto the target: " + row);
                assertEquals(row.get("target").asText(), row.get("projected_text").asText());
            } else {
                assertTrue(f1 >= 0 && f1 <= 1, "gamma = 0: F1 recorded, free to be anything: " + row);
            }
            assertTrue(Double.isFinite(row.get("final_loss").asDouble()) && row.get("distance").asDouble() >= 0);
        }
        assertEquals(3, result.get("selected").size());
        for (JsonNode s : result.get("selected")) {
            assertEquals(selectedKeys, keys(s), s.toString());
            assertEquals(30, s.get("gamma").asDouble(), "only gamma = 30 passes the F1 threshold: " + s);
            assertEquals(s.get("best_gamma0_accuracy").asDouble() - s.get("accuracy").asDouble(),
                    s.get("gap").asDouble(), 1e-12);
        }
        JsonNode flagged = result.get("settings").get("flagged");
        assertEquals(1, flagged.size());
        assertEquals(WaywardFixtures.UNWRITABLE, flagged.get(0).get("target").asText());
        assertEquals("zebra", flagged.get(0).get("unknown_words").get(0).asText());
        String report = Files.readString(run.resolve("report.html"));
        assertTrue(report.contains("look at that dog") && report.contains("What this run shows"));
    }

    @Test
    void withoutAGammaZeroRunThereIsNoGapAndTheReportStillRenders() throws IOException {
        Path run = dir.resolve("run");
        CliRunner.Result r = CliRunner.run("wayward", "--model", world.model.toString(), "--train",
                world.train.toString(), "--test", world.test.toString(), "--targets", world.targets.toString(),
                "--gammas", "1", "--seeds", "1", "--steps", "3", "--quiet", "--out", run.toString());
        assertEquals(0, r.exitCode(), r.toString());
        JsonNode selected = JSON.readTree(run.resolve("result.json").toFile()).get("selected");
        assertEquals(3, selected.size());
        for (JsonNode s : selected) {
            assertTrue(s.get("best_gamma0_accuracy").isNull() && s.get("gap").isNull(), s.toString());
        }
        assertTrue(Files.readString(run.resolve("report.html")).contains("not measured"));
    }

    private WaywardStudyConfig config() {
        return new WaywardStudyConfig("custom", List.of(world.model.toString()),
                List.of(WaywardTask.files(world.train, world.test, null, null)), List.of(world.targets.toString()), 0,
                List.of(4), List.of(0.0, 1.0), List.of(1L, 2L), 12, 4, 0.05, 1.0, WaywardStudyConfig.Init.TARGET,
                Scoring.CHANNEL, Projection.Metric.COSINE, 0, 64, 16);
    }

    @Test
    void aResumedStudySkipsItsFinishedCellsAndEndsAsTheUninterruptedOne() throws IOException {
        Path run = dir.resolve("run");
        List<String> log = new ArrayList<>();
        WaywardStudy.Options fresh = new WaywardStudy.Options(false, false, Map.of());
        WaywardStudy.Outcome whole = WaywardStudy.run(config(), run, fresh, log::add);
        assertEquals(2, whole.cellsRun(), "two prompt lengths, two cells: " + log);
        // a crash after the first cell: the store holds its rows only, and nothing was reported yet
        Path store = run.resolve("runs.jsonl");
        List<String> lines = Files.readAllLines(store);
        String firstCell = JSON.readTree(lines.get(0)).get("cell").asText();
        List<String> kept = lines.stream().filter(l -> l.contains("\"cell\":\"" + firstCell + "\"")).toList();
        assertTrue(kept.size() > 0 && kept.size() < lines.size());
        Files.write(store, kept);
        Files.delete(run.resolve("result.json"));
        Files.delete(run.resolve("report.html"));

        log.clear();
        WaywardStudy.Outcome resumed = WaywardStudy.run(config(), run, new WaywardStudy.Options(true, false, Map.of()),
                log::add);
        assertEquals(1, resumed.cellsSkipped(), log.toString());
        assertEquals(1, resumed.cellsRun(), log.toString());
        assertTrue(log.contains("done before: " + firstCell), log.toString());
        assertEquals(kept, Files.readAllLines(store).subList(0, kept.size()), "finished rows are kept as they were");
        assertEquals(whole.runs().size(), resumed.runs().size());
        for (int i = 0; i < whole.runs().size(); i++) {
            WaywardRow a = whole.runs().get(i);
            WaywardRow b = resumed.runs().get(i);
            assertEquals(a.target(), b.target());
            assertEquals(a.gamma(), b.gamma());
            assertEquals(a.seed(), b.seed());
            assertEquals(a.accuracy(), b.accuracy(), 1e-9, "row " + i);
            assertEquals(a.f1(), b.f1(), 1e-9, "row " + i);
            assertEquals(a.projectedText(), b.projectedText(), "row " + i);
            assertEquals(a.finalLoss(), b.finalLoss(), 1e-5, "row " + i);
        }
        assertEquals(whole.selected(), resumed.selected());
        assertTrue(Files.isRegularFile(run.resolve("result.json")) && Files.isRegularFile(run.resolve("report.html")));

        WaywardStudyConfig other = new WaywardStudyConfig("custom", config().models(), config().tasks(),
                config().targets(), 0, List.of(4), List.of(0.0, 1.0), List.of(1L, 2L), 13, 4, 0.05, 1.0,
                WaywardStudyConfig.Init.TARGET, Scoring.CHANNEL, Projection.Metric.COSINE, 0, 64, 16);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> WaywardStudy.run(other, run, new WaywardStudy.Options(true, false, Map.of()), line -> {}));
        assertTrue(e.getMessage().contains("other settings"), e.getMessage());
    }
}
