package dev.promptlab.study;

import dev.promptlab.tensor.AtomicFiles;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * What {@code promptlab reproduce} runs: each paper's study in its quick settings, one after the
 * other, each into {@code OUT/<name>/} (written beside the old run and swapped in whole, so a
 * failed study leaves the last report intact), then {@code OUT/index.html}: per study, a link to
 * its report and the paper's claims next to our figures with a verdict.
 */
public final class Reproduce {
    /** How a study runs its quick settings into {@code dir} (empty) and returns its claims next to our figures. */
    @FunctionalInterface
    public interface Runner {
        /** @param threads CPU threads of the tensor engine, recorded with the settings */
        List<Finding> run(Path dir, int threads, Consumer<String> log) throws IOException;
    }

    /**
     * One paper's study as reproduce runs it.
     *
     * @param name the directory name under OUT ({@code bayes}, {@code wayward})
     * @param paper the paper, as the index names it
     */
    public record Study(String name, String paper, Runner runner) {}

    /**
     * One study of the index.
     *
     * @param report its report, relative to the index
     */
    public record Entry(String name, String paper, String report, List<Finding> findings, double seconds) {
        public Entry {
            findings = List.copyOf(findings);
        }

        /** How many claims our figures agree with. */
        public long agreeing() {
            return findings.stream().filter(f -> f.verdict() == Finding.Verdict.AGREES).count();
        }
    }

    /**
     * The studies, in the order they run. The ICL vs prompt tuning study (Sun et al. 2023) joins
     * this list as a third {@link Study} when it is built.
     */
    public static final List<Study> STUDIES = List.of(
            new Study("bayes", "Prompting as Bayesian conditioning (Genewein et al. 2025)", Reproduce::bayes),
            new Study("wayward", "Prompt waywardness (Khashabi et al. 2022)", Reproduce::wayward),
            new Study("icl", "ICL vs prompt tuning vs instruction prompt tuning (Sun et al. 2023)", Reproduce::icl));

    private Reproduce() {}

    /** Runs every study into {@code out} and writes {@code out/index.html}; returns the index's entries. */
    public static List<Entry> run(Path out, int threads, Consumer<String> log) throws IOException {
        List<Entry> entries = new ArrayList<>();
        for (Study study : STUDIES) {
            long start = System.nanoTime();
            List<List<Finding>> findings = new ArrayList<>();
            AtomicFiles.writeDirectory(out.resolve(study.name()), staging -> findings.add(study.runner().run(staging, threads,
                    line -> log.accept(study.name() + ": " + line))));
            entries.add(new Entry(study.name(), study.paper(), study.name() + "/report.html", findings.get(0),
                    (System.nanoTime() - start) / 1e9));
        }
        ReproduceIndex.write(out.resolve("index.html"), entries);
        return entries;
    }

    /** The Bayesian prompting study, quick settings. */
    private static List<Finding> bayes(Path dir, int threads, Consumer<String> log) throws IOException {
        BayesStudyConfig config = BayesStudyConfig.quick();
        BayesReport report = new BayesReport(config, new BayesStudy(config).run(log), Map.of("threads", threads));
        report.write(dir);
        return report.findings(config.tuneLength());
    }

    /** The prompt waywardness study, quick settings. */
    private static List<Finding> wayward(Path dir, int threads, Consumer<String> log) throws IOException {
        WaywardStudy.Outcome outcome = WaywardStudy.run(WaywardStudyConfig.quick(), dir,
                new WaywardStudy.Options(false, false, Map.of("threads", threads)), log);
        return new WaywardFindings(outcome).all();
    }

    /** The ICL / PT / IPT study, quick settings; its findings as the index shows them. */
    private static List<Finding> icl(Path dir, int threads, Consumer<String> log) throws IOException {
        IclStudy.quick(dir, log);
        List<Finding> out = new ArrayList<>();
        for (IclStudy.Finding f : IclStudy.findings(dir)) {
            Finding.Verdict verdict = f.agrees() == null ? Finding.Verdict.NOT_MEASURED
                    : f.agrees() ? Finding.Verdict.AGREES : Finding.Verdict.DISAGREES;
            out.add(new Finding(f.claim(), f.measured(), verdict));
        }
        return out;
    }
}
