package dev.promptlab.analysis;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.promptlab.tokenize.WordTokenizer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Projected ids, readable text (specials and ids outside the vocabulary included) and mean squared distance. */
class ProjectedPromptTest {
    // ids: <pad> 0, <bos> 1, <eos> 2, <unk> 3, cat 4, dog 5, sat 6
    private final WordTokenizer tokenizer = WordTokenizer.ofWords(List.of("cat", "dog", "sat"));
    private NDManager manager;
    private NDArray embeddings; // (9, 2): two rows more than the vocabulary, as padded checkpoints have

    @BeforeEach
    void setUp() {
        manager = NDManager.newBaseManager();
        float[] rows = new float[9 * 2];
        for (int i = 0; i < 9; i++) {
            rows[2 * i] = 10 * i; // row i = (10 i, 0): the nearest row is read off the first coordinate
        }
        embeddings = manager.create(rows, new Shape(9, 2));
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

    @Test
    void projectsDecodesWithPlaceholdersAndMeasuresTheDistance() {
        NDArray prompt = manager.create(new float[] {
            40.5f, 0, // cat, d² = 0.25
            61, 1, // sat, d² = 1 + 1
            30, 0.5f, // <unk>, d² = 0.25
            80, 0, // id 8: no vocabulary entry, d² = 0
            50, -1, // dog, d² = 1
        }, new Shape(5, 2));
        ProjectedPrompt p = ProjectedPrompt.of(prompt, embeddings, Projection.Metric.L2, tokenizer);
        assertArrayEquals(new int[] {4, 6, 3, 8, 5}, p.ids());
        assertEquals("cat sat <unk> <id 8> dog", p.text());
        assertEquals((0.25 + 2 + 0.25 + 0 + 1) / 5, p.meanSquaredDistance(), 1e-6);
        assertEquals(5, p.length());
    }

    @Test
    void aPromptOfTokenEmbeddingsProjectsBackToItsTextWithF1One() {
        int[] target = tokenizer.encode("dog sat cat");
        NDArray prompt = embeddings.get(manager.create(new long[] {target[0], target[1], target[2]})); // (3, 2)
        ProjectedPrompt p = ProjectedPrompt.of(prompt, embeddings, Projection.Metric.L2, tokenizer);
        assertArrayEquals(target, p.ids());
        assertEquals(0.0, p.meanSquaredDistance(), 0.0);
        assertEquals(1.0, dev.promptlab.eval.SquadF1.f1(p.text(), "Dog sat, the cat."), 1e-12);
    }

    @Test
    void theDistanceIsEuclideanToTheTokenTheMetricChose() {
        // by dot product the longest row (id 8, (80, 0)) wins for any vector pointing along x
        NDArray prompt = manager.create(new float[] {1, 0}, new Shape(1, 2));
        ProjectedPrompt p = ProjectedPrompt.of(prompt, embeddings, Projection.Metric.DOT, tokenizer);
        assertArrayEquals(new int[] {8}, p.ids());
        assertEquals("<id 8>", p.text());
        assertEquals(79.0 * 79.0, p.meanSquaredDistance(), 1e-3);
    }

    @Test
    void decodingNeverFails() {
        assertEquals("<id -1> cat dog <bos> <id 7> sat", ProjectedText.decode(tokenizer, new int[] {-1, 4, 5, 1, 7, 6}));
        assertEquals("", ProjectedText.decode(tokenizer, new int[0]));
    }

    @Test
    void recordIsValidatedAndKeepsItsOwnIds() {
        int[] ids = {4, 5};
        ProjectedPrompt p = new ProjectedPrompt(ids, "cat dog", 0.5);
        ids[0] = 6;
        p.ids()[1] = 6;
        assertArrayEquals(new int[] {4, 5}, p.ids());
        assertEquals(new ProjectedPrompt(new int[] {4, 5}, "cat dog", 0.5), p);
        assertThrows(IllegalArgumentException.class, () -> new ProjectedPrompt(new int[0], "", 0));
        assertThrows(IllegalArgumentException.class, () -> new ProjectedPrompt(new int[] {4}, "cat", -0.1));
        assertThrows(IllegalArgumentException.class, () -> new ProjectedPrompt(new int[] {4}, "cat", Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> new ProjectedPrompt(new int[] {4}, null, 0));
    }
}
