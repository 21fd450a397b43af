package dev.promptlab.study;

import dev.promptlab.tensor.Devices;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.promptlab.adapt.Adapter;
import dev.promptlab.adapt.HardPrefix;
import dev.promptlab.adapt.InputPrefix;
import dev.promptlab.adapt.MultiPrompt;
import dev.promptlab.adapt.InputPrefixConfig;
import dev.promptlab.adapt.Lora;
import dev.promptlab.adapt.LoraConfig;
import dev.promptlab.adapt.WeightSubset;
import dev.promptlab.analysis.Bayes;
import dev.promptlab.analysis.Divergence;
import dev.promptlab.analysis.HardPrefixSearch;
import dev.promptlab.eval.CoinPredictor;
import dev.promptlab.eval.NetworkPredictor;
import dev.promptlab.eval.Regret;
import dev.promptlab.model.CoinModels;
import dev.promptlab.model.InputVectorModel;
import dev.promptlab.task.builtin.coins.CoinMixture;
import dev.promptlab.task.builtin.coins.CoinSequences;
import dev.promptlab.task.builtin.coins.CoinSource;
import dev.promptlab.task.builtin.coins.RandomCoins;
import dev.promptlab.task.builtin.coins.SingleCoin;
import dev.promptlab.tensor.Rng;
import dev.promptlab.train.CoinBatches;
import dev.promptlab.train.SummedSequenceLoss;
import dev.promptlab.train.TrainConfig;
import dev.promptlab.train.Trainer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The Bayesian prompting study (Genewein et al. 2025): coin networks (LSTM, Transformer), meta-
 * trained on random coins or untrained, are tuned towards a target inside the pretraining
 * support (a single coin, P(0) = 0.2) and one outside what conditioning can express (the 50/50
 * mixture of coins 0.2 and 0.8) by every prefix method and every weight method, and compared by
 * cumulative regret with the exact Bayes predictors.
 *
 * <p>All methods of one target are evaluated on the same evaluation sequences, so differences
 * between methods carry no evaluation noise of their own. Prefix methods train their R
 * repetitions as R prompts in one batch (multi-prompt batching with per-prompt clipping);
 * weight methods train R copies of the network one after another. HardPT, PreBayesPT and the
 * exact predictors are deterministic and have one repetition.
 */
public final class BayesStudy {
    public static final String SINGLE_COIN = "single-coin";
    public static final String TWO_COIN_MIXTURE = "two-coin-mixture";
    /** The prefix goes after the BOS position, so BOS stays first (as in the paper). */
    static final int AFTER_BOS = 1;
    /**
     * Rows per evaluation forward pass. Small on purpose: tensors of a few MB are reused by the
     * allocator, large ones are page-faulted afresh on every call, which costs more than the
     * arithmetic on this kind of machine.
     */
    static final int EVAL_CHUNK = 16;

    private final BayesStudyConfig config;
    private final CoinSource prior = RandomCoins.uniform();

    public BayesStudy(BayesStudyConfig config) {
        this.config = config;
    }

    public BayesStudyConfig config() {
        return config;
    }

    /** The two targets by their result names: coin(0.2) and 0.5·coin(0.2) + 0.5·coin(0.8). */
    public static Map<String, CoinSource> targets() {
        Map<String, CoinSource> t = new LinkedHashMap<>();
        t.put(SINGLE_COIN, new SingleCoin(0.2));
        t.put(TWO_COIN_MIXTURE, CoinMixture.even(0.2, 0.8));
        return Collections.unmodifiableMap(t);
    }

    /** What a run produced. */
    public record Outcome(List<BayesResult> results, List<PretrainingReport> pretraining, double seconds) {}

    /**
     * How Bayesian a meta-trained network became: mean KL(PreBayes ‖ network) per symbol on fresh
     * pretraining sequences, before and after meta-training.
     */
    public record PretrainingReport(String network, int steps, double finalLoss, double klBefore, double klAfter,
            double seconds) {}

    /** Runs the whole study in memory; one line per finished cell goes to {@code log}. */
    public Outcome run(Consumer<String> log) {
        try {
            return run(BayesStore.inMemory(), log);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // an in-memory store writes nothing
        }
    }

    /**
     * Runs the study, skipping the work {@code store} holds (from an interrupted run) and storing
     * each method's result as it finishes. A meta-trained network is loaded from the store when
     * some of its cells are left, not meta-trained again; a variant whose cells are all stored needs
     * no network at all.
     */
    Outcome run(BayesStore store, Consumer<String> log) throws IOException {
        long start = System.nanoTime();
        List<BayesResult> results = new ArrayList<>();
        List<PretrainingReport> pretraining = new ArrayList<>();
        Map<String, CoinSequences> evalSets = new LinkedHashMap<>();
        Map<String, CoinSequences> scoringSets = new LinkedHashMap<>();
        Map<String, List<BayesResult>> exact = new LinkedHashMap<>();
        for (Map.Entry<String, CoinSource> t : targets().entrySet()) {
            evalSets.put(t.getKey(), t.getValue().sample(config.evalSequences(), config.evalLength(),
                    new Rng(seed("eval/" + t.getKey()))));
            scoringSets.put(t.getKey(), t.getValue().sample(config.hardPrefixSequences(), config.tuneLength(),
                    new Rng(seed("hard-prefix/" + t.getKey()))));
        }
        try (NDManager root = Devices.newManager()) {
            for (String net : config.networks()) {
                try (InputVectorModel init = CoinModels.init(net, config.hidden(), config.heads(), config.inner(),
                        contextLength(), root, new Rng(seed("init/" + net)))) {
                    for (boolean pretrained : variants()) {
                        boolean pending = pending(store, net, pretrained, init);
                        InputVectorModel model = pretrained ? metaTrained(store, net, init, root, pending, pretraining, log)
                                : init;
                        try {
                            for (Map.Entry<String, CoinSource> t : targets().entrySet()) {
                                Cell cell = new Cell(net, pretrained, t.getKey(), t.getValue(), evalSets.get(t.getKey()),
                                        scoringSets.get(t.getKey()), model, init, root, store, log);
                                results.addAll(cell.networkMethods());
                                List<BayesResult> exactRows = exact.computeIfAbsent(t.getKey(), k -> cell.exactMethods());
                                for (BayesResult e : exactRows) {
                                    results.add(new BayesResult(net, pretrained, e.target(), e.method(), e.curves(),
                                            e.prefix(), e.seconds()));
                                }
                            }
                        } finally {
                            if (model != init && model != null) {
                                model.close();
                            }
                        }
                    }
                }
            }
        } catch (UncheckedIOException e) {
            throw e.getCause(); // a store write that failed inside a cell
        }
        return new Outcome(results, pretraining, (System.nanoTime() - start) / 1e9);
    }

    /** Whether any method of this network variant is not stored yet. */
    private boolean pending(BayesStore store, String net, boolean pretrained, InputVectorModel init) {
        for (String target : targets().keySet()) {
            for (BayesMethod m : networkMethods(init)) {
                if (store.result(BayesStore.key(net, pretrained, target, m)).isEmpty()) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * The meta-trained {@code net}: from the store when it holds it, else meta-trained now and
     * stored; null when no cell needs it. Its figures join {@code reports}.
     */
    private InputVectorModel metaTrained(BayesStore store, String net, InputVectorModel init, NDManager root,
            boolean needed, List<PretrainingReport> reports, Consumer<String> log) throws IOException {
        Optional<PretrainingReport> stored = store.pretraining(net);
        InputVectorModel model = stored.isPresent() && needed ? store.network(net, init, root) : null;
        if (stored.isPresent() && (model != null || !needed)) {
            reports.add(stored.get());
            log.accept(net + " meta-trained before: its weights are " + (needed ? "loaded" : "not needed"));
            return model;
        }
        long t0 = System.nanoTime();
        double[] finalLoss = new double[1];
        model = pretrain(init, config, root, seed("pretrain/" + net), finalLoss, log, net);
        CoinSequences fresh = prior.sample(256, config.pretrainLength(), new Rng(seed("kl/" + net)));
        PretrainingReport report = new PretrainingReport(net, config.pretrainSteps(), finalLoss[0],
                klToPreBayes(init, fresh), klToPreBayes(model, fresh), (System.nanoTime() - t0) / 1e9);
        if (stored.isPresent()) {
            store.saveNetwork(net, model); // its weights went missing: the same network, meta-trained again
            report = stored.get();
        } else {
            store.putPretraining(report, model);
        }
        reports.add(report);
        log.accept(String.format("%s meta-trained in %.0f s: loss %.4f, KL to the Beta-Bernoulli"
                + " predictor %.4f nats/symbol (%.4f untrained)", net, report.seconds(),
                report.finalLoss(), report.klAfter(), report.klBefore()));
        return model;
    }

    /** The methods run on a network, in order: LoRA adapts attention projections, so transformers only (as in the paper). */
    static List<BayesMethod> networkMethods(InputVectorModel model) {
        List<BayesMethod> m = new ArrayList<>(List.of(BayesMethod.NO_TUNING, BayesMethod.RANDOM_PF, BayesMethod.HARD_PT,
                BayesMethod.SIMPLEX_PT, BayesMethod.REAL_PT, BayesMethod.SOFT_PT, BayesMethod.FULL_WT));
        if (model.config().numHeads() > 0) {
            m.add(BayesMethod.LORA_WT);
        }
        m.addAll(List.of(BayesMethod.EMBED_WT, BayesMethod.UNEMBED_WT, BayesMethod.UN_EMBED_WT));
        return m;
    }

    private List<Boolean> variants() {
        List<Boolean> v = new ArrayList<>();
        if (config.pretrained()) {
            v.add(true);
        }
        if (config.untrained()) {
            v.add(false);
        }
        return v;
    }

    /** Positions a network must handle: BOS + prefix + the longest sequence. */
    private int contextLength() {
        return 1 + config.prefixLength() + Math.max(config.evalLength(), Math.max(config.tuneLength(), config.pretrainLength()));
    }

    /** A seed for one purpose, stable whatever else the study does. */
    long seed(String purpose) {
        return new Rng(config.seed() * 0x9E3779B97F4A7C15L + purpose.hashCode()).nextLong();
    }

    /**
     * Meta-trains a copy of {@code init} on random coins (Beta(1, 1)) with fresh sequences every
     * step, Adam at a constant rate and gradient clipping, as the paper does; returns a copy of
     * the result whose weights need no gradient (so later prefix tuning computes none for them).
     *
     * @param finalLoss receives the last step's loss (mean summed NLL per sequence) in [0]
     */
    public static InputVectorModel pretrain(InputVectorModel init, BayesStudyConfig config, NDManager root, long seed,
            double[] finalLoss, Consumer<String> log, String name) {
        // the trainer's optimizer state lives in runScope, freed when meta-training ends
        try (InputVectorModel training = init.copy(root); NDManager runScope = root.newSubManager()) {
            TrainConfig tc = new TrainConfig(config.pretrainSteps(), config.pretrainBatch(), config.pretrainLr(), 0, 0,
                    config.clip(), seed, config.pretrainSteps(), 0);
            Trainer trainer = new Trainer(tc, training.parameters(), new SummedSequenceLoss(training, null, 1),
                    new CoinBatches(RandomCoins.uniform(), config.pretrainBatch(), 1, config.pretrainLength(), seed), runScope)
                    .withSchedule(step -> config.pretrainLr());
            int every = Math.max(1, config.pretrainSteps() / 4);
            trainer.addListener((info, t) -> {
                if (info.step() % every == 0 && info.step() < info.totalSteps()) {
                    log.accept(String.format("%s meta-training: step %d/%d, loss %.4f", name, info.step(),
                            info.totalSteps(), info.loss()));
                }
            });
            trainer.run();
            finalLoss[0] = trainer.lastLoss() / config.pretrainLength();
            return training.copy(root);
        }
    }

    /** Mean KL(PreBayes ‖ network) per symbol on {@code sequences}. */
    public static double klToPreBayes(InputVectorModel network, CoinSequences sequences) {
        return Divergence.meanKl(Bayes.betaBernoulli(1, 1).predict(sequences),
                new NetworkPredictor(network, null, EVAL_CHUNK).predict(sequences));
    }

    /** One network variant on one target: every method, each skipped when the store holds its result. */
    private final class Cell {
        private final String net;
        private final boolean pretrained;
        private final String targetName;
        private final CoinSource target;
        private final CoinSequences eval;
        private final CoinSequences scoring;
        private final InputVectorModel model; // null when every method is stored
        private final InputVectorModel init;
        private final NDManager root;
        private final BayesStore store;
        private final Consumer<String> log;
        private final String key;
        private final int reps = config.reps();

        Cell(String net, boolean pretrained, String targetName, CoinSource target, CoinSequences eval,
                CoinSequences scoring, InputVectorModel model, InputVectorModel init, NDManager root, BayesStore store,
                Consumer<String> log) {
            this.net = net;
            this.pretrained = pretrained;
            this.targetName = targetName;
            this.target = target;
            this.eval = eval;
            this.scoring = scoring;
            this.model = model;
            this.init = init;
            this.root = root;
            this.store = store;
            this.log = log;
            this.key = net + "/" + (pretrained ? "pretrained" : "untrained") + "/" + targetName;
        }

        List<BayesResult> networkMethods() {
            List<BayesResult> out = new ArrayList<>();
            int[][] randomTokens = randomPrefixes();
            for (BayesMethod m : BayesStudy.networkMethods(init)) {
                out.add(timed(BayesStore.key(net, pretrained, targetName, m), m, () -> curves(m, randomTokens)));
            }
            return out;
        }

        private Curves curves(BayesMethod method, int[][] randomTokens) {
            switch (method) {
                case NO_TUNING:
                    return new Curves(new double[][] {regret(model, null)}, null);
                case RANDOM_PF: {
                    double[][] c = new double[reps][];
                    for (int r = 0; r < reps; r++) {
                        c[r] = regret(model, HardPrefix.of(randomTokens[r], AFTER_BOS));
                    }
                    return new Curves(c, null);
                }
                case HARD_PT: {
                    HardPrefixSearch.Result best = HardPrefixSearch.search(config.prefixLength(),
                            p -> new NetworkPredictor(model, HardPrefix.of(p, AFTER_BOS), EVAL_CHUNK), scoring);
                    return new Curves(new double[][] {regret(model, HardPrefix.of(best.best(), AFTER_BOS))},
                            text(best.best()));
                }
                case SIMPLEX_PT:
                    return tunePrefix(InputPrefix.Space.SIMPLEX, randomTokens);
                case REAL_PT:
                    return tunePrefix(InputPrefix.Space.REAL, randomTokens);
                case SOFT_PT:
                    return tunePrefix(InputPrefix.Space.EMBEDDING, randomTokens);
                default:
                    return tuneWeights(method);
            }
        }

        List<BayesResult> exactMethods() {
            List<BayesResult> out = new ArrayList<>();
            CoinPredictor preBayes = Bayes.optimalFor(prior);
            out.add(timed(BayesStore.exactKey(targetName, BayesMethod.TARGET_BAYES), BayesMethod.TARGET_BAYES,
                    () -> new Curves(new double[][] {Regret.meanCumulative(Bayes.optimalFor(target), eval)}, null)));
            out.add(timed(BayesStore.exactKey(targetName, BayesMethod.PRE_BAYES), BayesMethod.PRE_BAYES,
                    () -> new Curves(new double[][] {Regret.meanCumulative(preBayes, eval)}, null)));
            out.add(timed(BayesStore.exactKey(targetName, BayesMethod.PRE_BAYES_PT), BayesMethod.PRE_BAYES_PT, () -> {
                HardPrefixSearch.Result best = HardPrefixSearch.search(config.prefixLength(),
                        p -> Bayes.withPrefix(preBayes, p), scoring);
                return new Curves(new double[][] {Regret.meanCumulative(Bayes.withPrefix(preBayes, best.best()), eval)},
                        text(best.best()));
            }));
            return out;
        }

        /** R random token strings: the random-prefix baseline, and the starting points of RealPT and SimplexPT. */
        private int[][] randomPrefixes() {
            Rng rng = new Rng(seed(key + "/random-prefix"));
            int[][] tokens = new int[reps][config.prefixLength()];
            for (int[] row : tokens) {
                for (int j = 0; j < row.length; j++) {
                    row[j] = rng.nextInt(2);
                }
            }
            return tokens;
        }

        /** The R prompts of one prefix method, trained together as R prompts of one batch. */
        private Curves tunePrefix(InputPrefix.Space space, int[][] startTokens) {
            InputPrefixConfig pc = new InputPrefixConfig(config.prefixLength(), space, AFTER_BOS);
            List<InputPrefix> prefixes = new ArrayList<>(reps);
            try (NDManager runScope = root.newSubManager()) {
                Rng init = new Rng(seed(key + "/" + space + "/init"));
                for (int r = 0; r < reps; r++) {
                    if (space == InputPrefix.Space.EMBEDDING) {
                        prefixes.add(InputPrefix.create(pc, model, init));
                    } else {
                        float[] oneHot = new float[config.prefixLength() * 2];
                        for (int j = 0; j < config.prefixLength(); j++) {
                            oneHot[j * 2 + startTokens[r][j]] = 1;
                        }
                        prefixes.add(InputPrefix.of(pc, runScope.create(oneHot, new Shape(config.prefixLength(), 2)),
                                model)); // (P, 2)
                    }
                }
                MultiPrompt batch = MultiPrompt.blocks(prefixes, config.tuneBatch());
                long seed = seed(key + "/" + space + "/data");
                TrainConfig tc = new TrainConfig(config.tuneSteps(), config.tuneBatch() * reps, config.prefixLr(), 0, 0,
                        config.clip(), seed, config.tuneSteps(), 0);
                new Trainer(tc, batch.parameters(), new SummedSequenceLoss(model, batch, reps),
                        new CoinBatches(target, config.tuneBatch(), reps, config.tuneLength(), seed), runScope)
                        .withSchedule(step -> config.prefixLr()).clipPerPrompt(batch.groups()).run();
                double[][] curves = new double[reps][];
                for (int k = 0; k < reps; k++) {
                    curves[k] = regret(model, prefixes.get(k));
                }
                return new Curves(curves, null);
            } finally {
                prefixes.forEach(InputPrefix::close);
            }
        }

        /** R weight-tuning runs, each on its own copy of the network. */
        private Curves tuneWeights(BayesMethod method) {
            double[][] curves = new double[reps][];
            for (int r = 0; r < reps; r++) {
                try (InputVectorModel copy = model.copy(root); NDManager runScope = root.newSubManager()) {
                    Adapter adapter = weightAdapter(method, copy, r);
                    try {
                        long seed = seed(key + "/" + method + "/" + r);
                        TrainConfig tc = new TrainConfig(config.tuneSteps(), config.tuneBatch(), config.weightLr(), 0, 0,
                                config.clip(), seed, config.tuneSteps(), 0);
                        new Trainer(tc, adapter.parameters(), new SummedSequenceLoss(copy, adapter, 1),
                                new CoinBatches(target, config.tuneBatch(), 1, config.tuneLength(), seed), runScope)
                                .withSchedule(step -> config.weightLr()).run();
                        curves[r] = regret(copy, adapter);
                    } finally {
                        adapter.close();
                    }
                }
            }
            return new Curves(curves, null);
        }

        private Adapter weightAdapter(BayesMethod method, InputVectorModel copy, int r) {
            switch (method) {
                case FULL_WT:
                    return WeightSubset.of(copy, WeightSubset.Part.ALL);
                case EMBED_WT:
                    return WeightSubset.of(copy, WeightSubset.Part.EMBEDDING);
                case UNEMBED_WT:
                    return WeightSubset.of(copy, WeightSubset.Part.UNEMBEDDING);
                case UN_EMBED_WT:
                    return WeightSubset.of(copy, WeightSubset.Part.EMBEDDING_AND_UNEMBEDDING);
                case LORA_WT:
                    return Lora.create(LoraConfig.attention(config.loraRank()), copy, new Rng(seed(key + "/lora/" + r)));
                default:
                    throw new IllegalArgumentException(method + " is not a weight-tuning method");
            }
        }

        private double[] regret(InputVectorModel network, Adapter adapter) {
            return Regret.meanCumulative(new NetworkPredictor(network, adapter, EVAL_CHUNK), eval);
        }

        /** The stored result of cell {@code key}, else {@code body}'s, timed and stored; logged either way. */
        private BayesResult timed(String key, BayesMethod method, java.util.function.Supplier<Curves> body) {
            Optional<BayesResult> stored = store.result(key);
            BayesResult r;
            if (stored.isPresent()) {
                r = stored.get();
            } else {
                long t0 = System.nanoTime();
                Curves c = body.get();
                double seconds = (System.nanoTime() - t0) / 1e9;
                r = new BayesResult(net, pretrained, targetName, method, c.curves(), c.prefix(), seconds);
                try {
                    store.putResult(key, r);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            StringBuilder line = new StringBuilder(String.format("%-23s %-16s %-11s", r.variant(), targetName,
                    method.label()));
            for (int n : checkpoints(config)) {
                line.append(String.format(" R(%d) %7.3f [%.3f, %.3f]", n, r.medianAt(n), r.regretAt(n, 0.25),
                        r.regretAt(n, 0.75)));
            }
            line.append(r.prefix() == null ? "" : " prefix " + r.prefix())
                    .append(stored.isPresent() ? "  (done before)" : String.format("  (%.1f s)", r.seconds()));
            log.accept(line.toString());
            return r;
        }
    }

    private record Curves(double[][] curves, String prefix) {}

    /** The tabulated positions n (50, 100, 200) that the evaluation length reaches, else the last position. */
    public static List<Integer> checkpoints(BayesStudyConfig config) {
        List<Integer> n = new ArrayList<>();
        for (int c : BayesStudyConfig.CHECKPOINTS) {
            if (c <= config.evalLength()) {
                n.add(c);
            }
        }
        if (n.isEmpty()) {
            n.add(config.evalLength());
        }
        return n;
    }

    private static String text(int[] tokens) {
        StringBuilder s = new StringBuilder();
        for (int x : tokens) {
            s.append(x);
        }
        return s.toString();
    }
}
