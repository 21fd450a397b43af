package dev.promptlab.study;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * What {@code promptlab reproduce} runs: each paper's study in its quick settings, one after the
 * other, each into {@code OUT/<name>/}, then {@code OUT/index.html}: per study, a link to its
 * report and the paper's claims next to our figures with a verdict.
 *
 * <p>The run directory is locked for the run and holds {@code config.json} (the studies, in
 * order; written first) and {@code studies.jsonl} ({@link CellStore}: a line per finished study,
 * its findings and seconds, stored when the study is complete). {@code resume} skips the finished
 * studies and resumes the interrupted one from its own run directory, cell by cell. A resumed
 * run writes what an uninterrupted one writes apart from timings: the studies' own (see each
 * study), each entry's {@code seconds} in studies.jsonl and the index's seconds column, which for
 * a study resumed midway count the last call alone.
 */
public final class Reproduce {
    /** What messages and config.json call this kind of run. */
    public static final String KIND = "reproduce";
    static final String STORE = "studies.jsonl";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** How a study runs its quick settings into {@code dir} and returns its claims next to our figures. */
    @FunctionalInterface
    public interface Runner {
        /**
         * @param resume continue the study's interrupted run in {@code dir} (else {@code dir} is new)
         * @param threads CPU threads of the tensor engine, recorded with the settings
         */
        List<Finding> run(Path dir, boolean resume, int threads, Consumer<String> log) throws IOException;
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

    /** The studies, in the order they run. */
    public static final List<Study> STUDIES = List.of(
            new Study("bayes", "Prompting as Bayesian conditioning (Genewein et al. 2025)", Reproduce::bayes),
            new Study("wayward", "Prompt waywardness (Khashabi et al. 2022)", Reproduce::wayward),
            new Study("icl", "ICL vs prompt tuning vs instruction prompt tuning (Sun et al. 2023)", Reproduce::icl));

    private Reproduce() {}

    /** Runs (or resumes) every study into {@code out} and writes {@code out/index.html}; returns the index's entries. */
    public static List<Entry> run(Path out, boolean resume, int threads, Consumer<String> log) throws IOException {
        return run(out, STUDIES, resume, threads, log);
    }

    /** Runs (or resumes) {@code studies} into {@code out}, then the index. */
    public static List<Entry> run(Path out, List<Study> studies, boolean resume, int threads, Consumer<String> log)
            throws IOException {
        try (StudyDirectory directory = StudyDirectory.open(out, resume, KIND, settings(studies))) {
            CellStore done = CellStore.open(out.resolve(STORE));
            try {
                List<Entry> entries = new ArrayList<>();
                for (Study study : studies) {
                    entries.add(done.finished(study.name()) ? stored(study, done, log) : runStudy(study, out, threads, done,
                            log));
                }
                ReproduceIndex.write(out.resolve("index.html"), entries);
                return entries;
            } catch (IOException | RuntimeException e) {
                if (!resume && nothingKept(out, studies)) {
                    RunDirectory.deleteContents(out); // nothing finished: leave no half-made run behind
                }
                throw e;
            }
        }
    }

    /** Checks, writing nothing, that {@code out} can take this run: what the command line does before it starts. */
    public static void check(Path out, boolean resume) throws IOException {
        StudyDirectory.check(out, resume, KIND, settings(STUDIES));
    }

    /** config.json: the studies, in order (a resumed run must run the same). */
    static ObjectNode settings(List<Study> studies) {
        ObjectNode s = JSON.createObjectNode();
        s.put("command", KIND);
        ArrayNode names = s.putArray("studies");
        studies.forEach(st -> names.add(st.name()));
        return s;
    }

    /** Runs one study, resuming its directory when an earlier call left one, and stores its entry. */
    private static Entry runStudy(Study study, Path out, int threads, CellStore done, Consumer<String> log)
            throws IOException {
        long start = System.nanoTime();
        Path dir = out.resolve(study.name());
        boolean resume = Files.isDirectory(dir) && !RunDirectory.isEmptyDirectory(dir);
        if (resume) {
            log.accept(study.name() + ": resuming its run in " + dir);
        }
        List<Finding> findings = study.runner().run(dir, resume, threads, line -> log.accept(study.name() + ": " + line));
        Entry entry = new Entry(study.name(), study.paper(), study.name() + "/report.html", findings,
                (System.nanoTime() - start) / 1e9);
        ObjectNode line = JSON.createObjectNode();
        line.put("paper", entry.paper());
        line.put("report", entry.report());
        ArrayNode f = line.putArray("findings");
        for (Finding x : findings) {
            f.addObject().put("claim", x.claim()).put("measured", x.measured()).put("verdict", x.verdict().name());
        }
        line.put("seconds", entry.seconds());
        done.append(study.name(), List.of(line));
        return entry;
    }

    /** A study an earlier call finished, from the store. */
    private static Entry stored(Study study, CellStore done, Consumer<String> log) {
        JsonNode line = done.lines(study.name()).get(0);
        List<Finding> findings = new ArrayList<>();
        for (JsonNode f : line.path("findings")) {
            findings.add(new Finding(f.path("claim").asText(), f.path("measured").asText(),
                    Finding.Verdict.valueOf(f.path("verdict").asText())));
        }
        log.accept(study.name() + ": done before");
        return new Entry(study.name(), line.path("paper").asText(), line.path("report").asText(), findings,
                line.path("seconds").asDouble());
    }

    /** Whether a failed fresh run kept nothing worth resuming (each study cleans up after itself when it finished no cell). */
    private static boolean nothingKept(Path out, List<Study> studies) {
        return studies.stream().noneMatch(st -> Files.exists(out.resolve(st.name())))
                && !Files.exists(out.resolve(STORE));
    }

    /** The Bayesian prompting study, quick settings. */
    private static List<Finding> bayes(Path dir, boolean resume, int threads, Consumer<String> log) throws IOException {
        BayesStudyConfig config = BayesStudyConfig.quick();
        Map<String, Object> recorded = Map.of("threads", threads);
        BayesStudy.Outcome outcome = BayesRun.run(config, dir, resume, recorded, log);
        return new BayesReport(config, outcome, recorded).findings(config.tuneLength());
    }

    /** The prompt waywardness study, quick settings. */
    private static List<Finding> wayward(Path dir, boolean resume, int threads, Consumer<String> log) throws IOException {
        WaywardStudy.Outcome outcome = WaywardStudy.run(WaywardStudyConfig.quick(), dir,
                new WaywardStudy.Options(resume, false, Map.of("threads", threads)), log);
        return new WaywardFindings(outcome).all();
    }

    /** The ICL / PT / IPT study, quick settings; its findings as the index shows them. */
    private static List<Finding> icl(Path dir, boolean resume, int threads, Consumer<String> log) throws IOException {
        IclStudy.run(IclStudyConfig.quick(), dir, resume, log);
        return IclStudy.findings(dir);
    }
}
