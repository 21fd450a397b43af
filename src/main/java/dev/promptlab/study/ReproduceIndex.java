package dev.promptlab.study;

import dev.promptlab.report.HtmlReport;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code runs/reproduce/index.html}: one section per study with a link to its report, and the
 * paper's claims next to our figures, each with a verdict.
 */
final class ReproduceIndex {
    private ReproduceIndex() {}

    static void write(Path file, List<Reproduce.Entry> entries) throws IOException {
        HtmlReport page = new HtmlReport("promptlab reproduce: the papers' studies on built-in models");
        page.paragraph("Each study ran in its quick settings (minutes on two CPU cores, small models and grids), so the"
                + " figures show the direction of each finding, not the papers' values; each report says how the"
                + " settings differ from the paper's and why.");
        List<List<String>> summary = new ArrayList<>();
        for (Reproduce.Entry e : entries) {
            summary.add(List.of(e.paper(), e.agreeing() + " of " + e.findings().size(), String.format("%.0f", e.seconds())));
        }
        page.table(List.of("study", "claims our figures agree with", "seconds"), summary);
        for (Reproduce.Entry e : entries) {
            page.heading(2, e.paper());
            page.html("<p><a href=\"" + HtmlReport.escape(e.report()) + "\">the full report</a></p>");
            List<List<String>> rows = new ArrayList<>();
            for (Finding f : e.findings()) {
                rows.add(List.of(f.claim(), f.measured(), f.verdict().label()));
            }
            page.table(List.of("the paper", "this run", "verdict"), rows);
        }
        page.write(file);
    }
}
