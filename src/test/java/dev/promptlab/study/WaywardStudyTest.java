package dev.promptlab.study;

import ai.djl.ndarray.NDManager;
import dev.promptlab.analysis.Projection;
import dev.promptlab.analysis.TargetKind;
import dev.promptlab.analysis.TargetText;
import dev.promptlab.eval.Scoring;
import dev.promptlab.model.CoinModels;
import dev.promptlab.model.InputVectorModel;
import dev.promptlab.tensor.Rng;
import dev.promptlab.tokenize.SymbolTokenizer;
import dev.promptlab.tokenize.WordTokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.*;

/** The waywardness study's pieces below the end-to-end run: model check, grid, target cap, results store, findings. */
class WaywardStudyTest {
    private static final WordTokenizer TOKENIZER = WordTokenizer.ofWords(List.of("the", "cat", "sat", "on", "mat",
            "a", "dog", "ran", "far"));

    private static TargetText target(String text) {
        return TargetText.of(text, TargetKind.FILE, "test", TOKENIZER, 64);
    }

    private static WaywardStudyConfig config(List<Double> gammas, List<Long> seeds, int maxPrompts) {
        return new WaywardStudyConfig("custom", List.of("m"), List.of(WaywardTask.builtin("builtin:topic")),
                List.of("t.txt"), 0, List.of(4), gammas, seeds, 10, 8, 0.01, 1.0, WaywardStudyConfig.Init.TARGET,
                Scoring.DIRECT, Projection.Metric.L2, 0, maxPrompts, 16);
    }

    @Test
    void aModelFedInputVectorsHasNoEmbeddingsToProjectOnto() {
        try (NDManager manager = NDManager.newBaseManager();
                InputVectorModel coins = CoinModels.init("transformer", 8, 2, 16, 8, manager, new Rng(1))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> WaywardModel.projectionTable("coin-net", coins, SymbolTokenizer.coins()));
            assertTrue(e.getMessage().contains("model coin-net") && e.getMessage().contains("no input embeddings"),
                    e.getMessage());
        }
    }

    @Test
    void aCellHoldsEveryPromptOfOneLengthAndLargeCellsSplitIntoEvenParts() {
        List<TargetText> targets = List.of(target("the cat sat"), target("a dog ran"), target("the cat sat on the mat"));
        List<WaywardCell> cells = WaywardPlan.cells(config(List.of(0.0, 0.1, 1.0), List.of(1L, 2L), 64), "m", "t",
                targets);
        assertEquals(2, cells.size(), "lengths 3 and 6");
        assertEquals(2 * 3 * 2, cells.get(0).members().size(), "two 3-token targets x 3 gammas x 2 seeds");
        assertEquals(6, cells.get(1).members().size());
        List<WaywardCell> split = WaywardPlan.cells(config(List.of(0.0, 0.1, 1.0), List.of(1L, 2L), 5), "m", "t",
                targets);
        assertEquals(List.of(4, 4, 4, 3, 3), split.stream().map(c -> c.members().size()).toList(),
                "12 prompts in parts of at most 5: three of 4, then 6 in two of 3");
        assertEquals(split.size(), split.stream().map(WaywardCell::key).collect(Collectors.toSet()).size(),
                "every part has its own key");
    }

    @Test
    void theCapCountsOnlyTargetsTheTokenizerCanWrite() {
        List<TargetText> set = List.of(target("the zebra sat"), target("the cat sat"), target("a dog ran"));
        List<TargetText> capped = WaywardPlan.capped(set, 1);
        assertEquals(2, capped.size(), "the flagged first text is kept for the report, then one scored text");
        assertFalse(capped.get(0).writable());
        assertEquals("the cat sat", capped.get(1).text());
        assertEquals(set, WaywardPlan.capped(set, 0));
    }

    @Test
    void theStoreKeepsWholeCellsAndRefusesABrokenLine(@TempDir Path dir) throws IOException {
        WaywardResults store = WaywardResults.open(dir);
        WaywardRow row = new WaywardRow("m", "t", "the cat sat", TargetKind.FILE, 3, 0.1, 1, 0.5, 1.0, "the cat sat",
                0.4, 0.01, 0.7);
        store.append("cell A", List.of(row, row));
        WaywardResults reopened = WaywardResults.open(dir);
        assertTrue(reopened.finished("cell A"));
        assertFalse(reopened.finished("cell B"));
        assertEquals(List.of(row, row), reopened.rowsOf("cell A"));
        Files.writeString(dir.resolve(WaywardResults.FILE), "{\"cell\": \"x\", \"model\": ", java.nio.file.StandardOpenOption.APPEND);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> WaywardResults.open(dir));
        assertTrue(e.getMessage().contains("line 3"), e.getMessage());
    }

    @Test
    void badSettingsAreNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> config(List.of(0.0, -1.0), List.of(1L), 4));
        assertTrue(e.getMessage().contains("got -1.0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> config(List.of(0.0, 0.0), List.of(1L), 4));
        assertTrue(e.getMessage().contains("gamma 0.0 is given twice"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> config(List.of(0.0), List.of(), 4));
        assertTrue(e.getMessage().contains("seeds"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> config(List.of(0.0), List.of(1L), 0));
        assertTrue(e.getMessage().contains("prompts per batch must be in [1, 4096], got 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> WaywardTask.builtin("builtin:topic:test"));
        assertTrue(e.getMessage().contains("without a split"), e.getMessage());
    }

    @Test
    void rankCorrelationOfGapsWithLength() {
        assertEquals(-1, WaywardFindings.spearmanWithRank(List.of(3.0, 2.0, 1.0)), 1e-12);
        assertEquals(1, WaywardFindings.spearmanWithRank(List.of(0.0, 2.0)), 1e-12);
        assertEquals(0, WaywardFindings.spearmanWithRank(List.of(1.0, 1.0)), 1e-12);
    }
}
