package dev.promptlab.study;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The reproduce index links every study's report and sets each claim next to our figure and verdict. */
class ReproduceIndexTest {
    @Test
    void everyStudyIsLinkedWithItsClaimsFiguresAndVerdicts(@TempDir Path dir) throws IOException {
        List<Reproduce.Entry> entries = List.of(
                new Reproduce.Entry("bayes", "Prompting as Bayesian conditioning", "bayes/report.html", List.of(
                        new Finding("SoftPT is best", "SoftPT 0.1 vs 0.3", Finding.Verdict.AGREES),
                        new Finding("prefixes stay above ln 2", "0.5 < 0.693", Finding.Verdict.DISAGREES)), 300),
                new Reproduce.Entry("wayward", "Prompt waywardness", "wayward/report.html", List.of(
                        new Finding("larger models are more wayward", "gap 1.3 vs 1.0", Finding.Verdict.TOO_CLOSE)), 180));
        Path index = dir.resolve("index.html");
        ReproduceIndex.write(index, entries);
        String html = Files.readString(index);
        assertTrue(html.contains("href=\"bayes/report.html\"") && html.contains("href=\"wayward/report.html\""), html);
        assertTrue(html.contains("1 of 2") && html.contains("0 of 1"), html);
        assertTrue(html.contains("SoftPT 0.1 vs 0.3") && html.contains("does not agree")
                && html.contains("too close to tell"), html);
        assertTrue(html.contains("Prompting as Bayesian conditioning") && html.contains("Prompt waywardness"), html);
    }
}
