package dev.promptlab.study;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptlab.adapt.Adapter;
import dev.promptlab.adapt.AdapterFile;
import dev.promptlab.adapt.SoftPrompt;
import dev.promptlab.adapt.SoftPromptConfig;
import dev.promptlab.icl.Episode;
import dev.promptlab.model.LoadedModel;
import dev.promptlab.task.EncodedExample;
import dev.promptlab.tensor.Rng;
import dev.promptlab.train.PromptBatch;
import dev.promptlab.train.TrainConfig;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The cells of one task on one model: each method at each k (PT at k = 0), the length sweep, the
 * similarity of the test inputs to their nearest training example, and (called by the study once
 * every task's PT prompts exist) the transfer of another task's PT prompts. A cell already in the
 * results store is skipped; a finished cell is stored at once. Each cell's seeds of a trained
 * method are K prompts of one {@link PromptBatch}, trained together on the same episodes.
 */
final class IclTaskRun implements AutoCloseable {
    private final IclStudyConfig config;
    private final String model;
    private final LoadedModel loaded;
    private final IclTask.Loaded data;
    private final Path runDir;
    private final IclResults results;
    private final Consumer<String> log;
    private final IclEpisodes episodes;

    IclTaskRun(IclStudyConfig config, String model, LoadedModel loaded, IclTask.Loaded data, Path runDir,
            IclResults results, Consumer<String> log) {
        this.config = config;
        this.model = model;
        this.loaded = loaded;
        this.data = data;
        this.runDir = runDir;
        this.results = results;
        this.log = log;
        this.episodes = new IclEpisodes(loaded, data, config.maxShots(), config.seed(), newTokens(loaded, data, config));
    }

    /** Room for the answer: the longest training answer in tokens plus a margin, at most the configured budget. */
    private static int newTokens(LoadedModel loaded, IclTask.Loaded data, IclStudyConfig config) {
        int longest = data.train().stream().mapToInt(e -> loaded.tokenizer().encode(" " + e.output()).length).max()
                .orElse(1);
        return Math.min(config.maxNewTokens(), longest + 4);
    }

    /** Every cell of this task but the transfer: the similarity, the methods' cells, the length sweep. */
    void runCells() throws IOException {
        if (config.hasBins()) {
            similarity();
        }
        for (IclMethod m : config.methods()) {
            if (m == IclMethod.PT) {
                trained(m, 0, config.promptLength());
            } else {
                for (int k : config.shots()) {
                    if (m.trained()) {
                        trained(m, k, config.promptLength());
                    } else {
                        icl(m, k);
                    }
                }
            }
        }
        for (int p : config.sweepLengths()) {
            if (p == config.promptLength()) {
                continue; // the headline cell is the sweep's point at P
            }
            if (config.methods().contains(IclMethod.PT)) {
                trained(IclMethod.PT, 0, p);
            }
            if (config.methods().contains(IclMethod.IPT)) {
                trained(IclMethod.IPT, config.maxShots(), p);
            }
        }
    }

    private void similarity() throws IOException {
        String key = IclResults.key("similarity", model, data.name(), "embedding", 1, 0);
        if (results.has(key)) {
            return;
        }
        ObjectNode cell = IclResults.cell("similarity", model, data.name(), "embedding", 1, 0);
        ArrayNode values = cell.putArray("values");
        for (double s : episodes.topSimilarity()) {
            values.add(s);
        }
        results.add(cell);
    }

    /** An ICL cell: no training; one run per seed for random demonstrations, one for retrieved ones. */
    private void icl(IclMethod method, int k) throws IOException {
        String key = IclResults.key("run", model, data.name(), method.label(), k, 0);
        if (results.has(key)) {
            return;
        }
        long t0 = System.nanoTime();
        List<Long> seeds = method.seeded() ? config.seeds() : List.of(config.seeds().get(0));
        ObjectNode cell = IclResults.cell("run", model, data.name(), method.label(), k, 0);
        Runs runs = new Runs(cell, seeds);
        for (long seed : seeds) {
            IclPredictions p = IclPredictions.decode(loaded, null, episodes.test(method, k, config.retrieval(), seed, 0),
                    episodes.newTokens(), config.beams());
            runs.add(p, predictionsFile(method.label(), k, 0, seed), Double.NaN);
        }
        finish(cell, runs, t0, data.train().size());
    }

    /** A trained cell: the seeds' prompts train in one batch, then each decodes the test set. */
    private void trained(IclMethod method, int k, int promptLength) throws IOException {
        String key = IclResults.key("run", model, data.name(), method.label(), k, promptLength);
        if (results.has(key)) {
            return;
        }
        long t0 = System.nanoTime();
        List<Long> seeds = config.seeds();
        List<Episode> train = episodes.training(method, k, config.retrieval(), seeds.get(0), promptLength);
        List<EncodedExample> encoded = train.stream().map(Episode::encoded).toList();
        List<Adapter> prompts = new ArrayList<>();
        try {
            List<PromptBatch.Member> members = new ArrayList<>();
            for (long seed : seeds) {
                Adapter prompt = SoftPrompt.create(new SoftPromptConfig(promptLength, SoftPromptConfig.Init.SAMPLE_VOCAB,
                        null), loaded.model(), loaded.tokenizer(), new Rng(seed));
                prompts.add(prompt);
                members.add(new PromptBatch.Member(prompt, seed + 1, null));
            }
            TrainConfig tc = new TrainConfig(config.steps(), config.batchSize(), config.learningRate(), 0, 0, 1.0,
                    seeds.get(0), Math.max(1, config.steps() / 10), 0);
            double[] losses;
            try (PromptBatch batch = new PromptBatch(loaded.model(), members, encoded,
                    Math.max(0, loaded.tokenizer().padId()), tc)) {
                batch.trainer().run();
                losses = batch.trainer().lastPromptLosses();
            }
            ObjectNode cell = IclResults.cell("run", model, data.name(), method.label(), k, promptLength);
            cell.put("training_dropped", train.stream().mapToInt(Episode::dropped).sum());
            Runs runs = new Runs(cell, seeds);
            List<Episode> test = episodes.test(method, k, config.retrieval(), seeds.get(0), promptLength);
            List<IclPredictions> decoded = IclPredictions.decodeEach(loaded, prompts, test, episodes.newTokens(),
                    config.beams());
            for (int s = 0; s < seeds.size(); s++) {
                String name = runName(method.label(), k, promptLength, seeds.get(s));
                AdapterFile.save(prompts.get(s), loaded.model(), adapterDir(data.name(), name), model);
                runs.add(decoded.get(s), predictionsFile(method.label(), k, promptLength, seeds.get(s)), losses[s]);
            }
            finish(cell, runs, t0, train.size());
        } finally {
            prompts.forEach(Adapter::close);
        }
    }

    /**
     * The transfer cell: {@code source}'s PT prompts (P of the headline table), each followed by this
     * task's k demonstrations (k the largest of the study, retrieved as IPT retrieves), against ICL
     * with the same demonstrations and no prompt.
     */
    void transferFrom(String source) throws IOException {
        int k = config.maxShots();
        int p = config.promptLength();
        String method = "transfer-from-" + source;
        if (results.has(IclResults.key("transfer", model, data.name(), method, k, p))) {
            return;
        }
        long t0 = System.nanoTime();
        ObjectNode cell = IclResults.cell("transfer", model, data.name(), method, k, p);
        cell.put("source", source);
        Runs runs = new Runs(cell, config.seeds());
        List<Episode> test = episodes.test(config.retrieval(), k, config.seeds().get(0), p);
        List<Adapter> prompts = new ArrayList<>();
        try {
            for (long seed : config.seeds()) {
                prompts.add(AdapterFile.load(adapterDir(source, runName(IclMethod.PT.label(), 0, p, seed)), loaded.model()));
            }
            List<IclPredictions> decoded = IclPredictions.decodeEach(loaded, prompts, test, episodes.newTokens(),
                    config.beams());
            for (int s = 0; s < prompts.size(); s++) {
                runs.add(decoded.get(s), predictionsFile(method, k, 0, config.seeds().get(s)), Double.NaN);
            }
        } finally {
            prompts.forEach(Adapter::close);
        }
        // the baseline reads the very same demonstrations (those that fit after the prompt), without the prompt
        IclPredictions icl = IclPredictions.decode(loaded, null, test, episodes.newTokens(), config.beams());
        ObjectNode baseline = cell.putObject("icl");
        icl.scores(data.metrics()).forEach(baseline::put);
        finish(cell, runs, t0, data.train().size());
    }

    /** The seeds' runs of one cell, gathered into its record. */
    private final class Runs {
        private final ObjectNode cell;
        private final ObjectNode metrics;
        private final ArrayNode loss;
        private final ArrayNode dropped;
        private final ArrayNode files;

        Runs(ObjectNode cell, List<Long> seeds) {
            this.cell = cell;
            ArrayNode s = cell.putArray("seeds");
            seeds.forEach(s::add);
            this.metrics = cell.putObject("metrics");
            data.metrics().forEach(m -> metrics.putArray(m.label()));
            this.loss = cell.putArray("final_loss");
            this.dropped = cell.putArray("dropped");
            this.files = cell.putArray("predictions");
        }

        void add(IclPredictions p, Path file, double finalLoss) throws IOException {
            p.write(file);
            for (Map.Entry<String, Double> e : p.scores(data.metrics()).entrySet()) {
                ((ArrayNode) metrics.get(e.getKey())).add(e.getValue());
            }
            if (!Double.isNaN(finalLoss)) {
                loss.add(finalLoss);
            }
            dropped.add(p.dropped());
            files.add(runDir.relativize(file).toString());
        }
    }

    private void finish(ObjectNode cell, Runs runs, long t0, int trainExamples) throws IOException {
        if (runs.loss.isEmpty()) {
            cell.remove("final_loss");
        }
        cell.put("test_examples", data.test().size());
        cell.put("train_examples", trainExamples);
        cell.put("seconds", (System.nanoTime() - t0) / 1e9);
        results.add(cell);
        log.accept(IclAnalysis.describe(cell, data.metrics().get(0).label()));
    }

    /** {@code <method>-k<shots>-seed<seed>}, with {@code -p<P>} for prompt lengths other than the headline P. */
    private String runName(String method, int k, int promptLength, long seed) {
        boolean other = promptLength != 0 && promptLength != config.promptLength();
        return method + "-k" + k + (other ? "-p" + promptLength : "") + "-seed" + seed;
    }

    private Path predictionsFile(String method, int k, int promptLength, long seed) {
        return runDir.resolve("predictions").resolve(model).resolve(data.name())
                .resolve(runName(method, k, promptLength, seed) + ".jsonl");
    }

    private Path adapterDir(String task, String name) {
        return runDir.resolve("adapters").resolve(model).resolve(task).resolve(name);
    }

    @Override
    public void close() {
        episodes.close();
    }
}
