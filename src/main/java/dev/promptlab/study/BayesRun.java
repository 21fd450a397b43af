package dev.promptlab.study;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The Bayesian prompting study ({@link BayesStudy}) in a run directory, resumable method by
 * method: {@code config.json} (the settings, written first; a resumed run must match them), the
 * results store {@code cells.jsonl} and the meta-trained networks' weights {@code networks/}
 * ({@link BayesStore}), then {@code result.json}, {@code curves.json} and {@code report.html}
 * ({@link BayesReport}). The directory is locked for the run ({@link StudyDirectory}).
 *
 * <p>The study is deterministic (one engine thread), so a resumed run writes what an
 * uninterrupted one writes, apart from timings: every {@code "seconds"} field of
 * {@code cells.jsonl} and {@code result.json} (a method's and a meta-training's time, and the
 * whole call's, which for a resumed run is the last call's), and in {@code report.html} the
 * meta-training table's seconds column and the closing "Total time" line.
 */
public final class BayesRun {
    /** What messages and config.json call this kind of run. */
    public static final String KIND = "bayes";
    private static final ObjectMapper JSON = new ObjectMapper();

    private BayesRun() {}

    /**
     * Runs (or, with {@code resume}, continues) the study into {@code out} and writes its report.
     *
     * @param recorded how it runs (e.g. engine threads): recorded in result.json, not compared on resume
     * @param log hears one line per finished (or already finished) method
     */
    public static BayesStudy.Outcome run(BayesStudyConfig config, Path out, boolean resume, Map<String, Object> recorded,
            Consumer<String> log) throws IOException {
        try (StudyDirectory directory = StudyDirectory.open(out, resume, KIND, settings(config))) {
            BayesStore store = BayesStore.open(out);
            try {
                BayesStudy.Outcome outcome = new BayesStudy(config).run(store, log);
                new BayesReport(config, outcome, recorded).write(out);
                return outcome;
            } catch (IOException | RuntimeException e) {
                if (!resume && store.isEmpty()) {
                    RunDirectory.deleteContents(out); // nothing finished: leave no half-made run behind
                }
                throw e;
            }
        }
    }

    /** Checks, writing nothing, that {@code out} can take this run: what the command line does before it starts. */
    public static void check(BayesStudyConfig config, Path out, boolean resume) throws IOException {
        StudyDirectory.check(out, resume, KIND, settings(config));
    }

    /** config.json: the command and every setting of the study. */
    static ObjectNode settings(BayesStudyConfig config) {
        ObjectNode s = JSON.createObjectNode();
        s.put("command", KIND);
        s.setAll((ObjectNode) JSON.valueToTree(config));
        return s;
    }
}
