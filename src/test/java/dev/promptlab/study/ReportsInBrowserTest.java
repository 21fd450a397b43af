package dev.promptlab.study;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The HTML reports as a reader sees them: every {@code report.html} that {@code promptlab
 * reproduce} writes, and its {@code index.html}, loaded in headless Chromium. Every figure must
 * load (each {@code <img>} decoded with a natural size, each inline {@code <svg>} non-empty), every
 * local file a page links to must exist, and the browser console must stay silent (no message of
 * any level, no script error, no failed load).
 *
 * <p>Not in the default suite (it needs Chromium and, unless given reports, a full reproduce run):
 * {@code mvn -B -Pbrowser test} runs it, after {@code tools/install-chromium.sh}. With
 * {@code -Dpromptlab.reports=DIR} it checks the reports under an existing reproduce directory (or
 * one study's run directory); without, it runs {@link Reproduce#run} into a temporary directory
 * first (the quick settings of every study, about ten minutes on two cores).
 */
@Tag("browser")
class ReportsInBrowserTest {
    private static HeadlessChromium browser;

    @BeforeAll
    static void startChromium() throws IOException, InterruptedException {
        Path binary = HeadlessChromium.find();
        assertNotNull(binary, "no Chromium found (" + (System.getProperty("promptlab.chromium") != null
                ? "-Dpromptlab.chromium=" + System.getProperty("promptlab.chromium") + " is not an executable file"
                : "neither chromium nor chromium-browser is on the PATH") + "): the browser profile needs it;"
                + " install it with tools/install-chromium.sh (Debian's chromium package)");
        browser = HeadlessChromium.start(binary);
    }

    @AfterAll
    static void stopChromium() throws IOException {
        if (browser != null) {
            browser.close();
        }
    }

    /**
     * The check itself finds what it claims to: a page with a missing image file, an image that does
     * not decode, an empty inline SVG, a link to a missing file, a link to a missing anchor and a
     * console error is reported on each count, and a clean page of the same figures passes.
     */
    @Test
    void theCheckFindsBrokenFiguresLinksAndConsoleMessages(@TempDir Path dir) throws Exception {
        String png = "data:image/png;base64," + Base64.getEncoder().encodeToString(onePixelPng());
        Files.writeString(dir.resolve("other.html"), "<!DOCTYPE html><title>other</title>");
        Path clean = dir.resolve("clean.html");
        Files.writeString(clean, "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>clean</title></head>"
                + "<body><h2 id=\"top\">figures</h2><img alt=\"fig\" src=\"" + png + "\">"
                + "<svg width=\"20\" height=\"20\"><rect width=\"10\" height=\"10\"/></svg>"
                + "<a href=\"other.html\">other</a> <a href=\"#top\">top</a> <a href=\"https://example.org/paper\">paper</a>"
                + "</body></html>");
        HeadlessChromium.PageCheck ok = browser.check(clean);
        assertEquals(List.of(), ok.problems());
        assertEquals(1, ok.images());
        assertEquals(1, ok.svgs());
        assertEquals(1, ok.localFiles());

        Path broken = dir.resolve("broken.html");
        Files.writeString(broken, "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>broken</title></head>"
                + "<body><img alt=\"missing\" src=\"figs/missing.png\">"
                + "<img alt=\"garbled\" src=\"data:image/png;base64,AAAA\">"
                + "<svg width=\"20\" height=\"20\"></svg>"
                + "<a href=\"nowhere/report.html\">gone</a> <a href=\"#no-such-section\">section</a>"
                + "<script>console.error('something broke')</script></body></html>");
        HeadlessChromium.PageCheck bad = browser.check(broken);
        String all = String.join("\n", bad.problems());
        assertAll(all,
                () -> assertTrue(all.contains("Failed to load resource"), "the console's load error"),
                () -> assertTrue(all.contains("console.error: something broke"), "the script's console error"),
                () -> assertTrue(all.contains("alt \"missing\""), "the missing image"),
                () -> assertTrue(all.contains("alt \"garbled\""), "the image that does not decode"),
                () -> assertTrue(all.contains("inline svg 1 of 1 is empty"), "the empty svg"),
                () -> assertTrue(all.contains("nowhere/report.html\"> refers to"), "the link to a missing file"),
                () -> assertTrue(all.contains("#no-such-section\"> points to a missing anchor"), "the missing anchor"));
    }

    /** Every report reproduce writes, and its index, loads clean with every figure. */
    @Test
    void everyReproduceReportLoadsCleanInChromium(@TempDir Path scratch) throws Exception {
        String given = System.getProperty("promptlab.reports");
        Path root;
        if (given != null && !given.isBlank()) {
            root = Path.of(given);
            assertTrue(Files.isDirectory(root), "-Dpromptlab.reports=" + given + " is not a directory");
        } else {
            root = scratch.resolve("reproduce");
            System.out.println("ReportsInBrowserTest: no -Dpromptlab.reports=DIR, so running reproduce into " + root
                    + " first (every study's quick settings)");
            long start = System.nanoTime();
            List<Reproduce.Entry> entries = Reproduce.run(root, false, 1, line -> System.out.printf("[%4.0f s] %s%n",
                    (System.nanoTime() - start) / 1e9, line));
            assertEquals(Reproduce.STUDIES.size(), entries.size());
            assertTrue(Files.isRegularFile(root.resolve("index.html")), "reproduce wrote no index.html");
            for (Reproduce.Study study : Reproduce.STUDIES) {
                assertTrue(Files.isRegularFile(root.resolve(study.name()).resolve("report.html")),
                        "reproduce wrote no " + study.name() + "/report.html");
            }
        }
        List<Path> reports;
        List<Path> indexes;
        try (Stream<Path> walk = Files.walk(root)) {
            List<Path> pages = walk.filter(Files::isRegularFile).sorted().toList();
            reports = pages.stream().filter(p -> p.getFileName().toString().equals("report.html")).toList();
            indexes = pages.stream().filter(p -> p.getFileName().toString().equals("index.html")).toList();
        }
        assertFalse(reports.isEmpty(), "no report.html under " + root.toAbsolutePath());

        List<String> failures = new ArrayList<>();
        for (Path page : concat(indexes, reports)) {
            HeadlessChromium.PageCheck check = browser.check(page);
            System.out.printf("ReportsInBrowserTest: %s: %d images, %d inline svgs, %d local links, %d problems%n",
                    root.relativize(page), check.images(), check.svgs(), check.localFiles(), check.problems().size());
            List<String> problems = new ArrayList<>(check.problems());
            if (reports.contains(page) && check.figures() == 0) {
                problems.add("no figure at all (a study's report shows its results in figures)");
            }
            for (String problem : problems) {
                failures.add(root.relativize(page) + ": " + problem);
            }
        }
        assertTrue(failures.isEmpty(), failures.size() + " problem(s) in " + (indexes.size() + reports.size())
                + " page(s) under " + root.toAbsolutePath() + ":\n" + String.join("\n", failures));
    }

    private static List<Path> concat(List<Path> a, List<Path> b) {
        List<Path> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    /** A valid 1 x 1 PNG, written by the JDK's encoder. */
    private static byte[] onePixelPng() throws IOException {
        java.awt.image.BufferedImage image = new java.awt.image.BufferedImage(1, 1, java.awt.image.BufferedImage.TYPE_INT_RGB);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        javax.imageio.ImageIO.write(image, "png", out);
        return out.toByteArray();
    }
}
