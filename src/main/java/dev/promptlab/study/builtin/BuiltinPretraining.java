package dev.promptlab.study.builtin;

import dev.promptlab.tensor.Devices;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptlab.model.Architectures;
import dev.promptlab.model.LanguageModel;
import dev.promptlab.model.LoadedModel;
import dev.promptlab.task.builtin.wordnet.BuiltinTask;
import dev.promptlab.task.builtin.wordnet.BuiltinTasks;
import dev.promptlab.task.builtin.wordnet.Split;
import dev.promptlab.model.ModelConfig;
import dev.promptlab.tensor.AtomicFiles;
import dev.promptlab.tensor.Rng;
import dev.promptlab.tokenize.Tokenizer;
import dev.promptlab.tokenize.WordTokenizer;
import dev.promptlab.study.RunDirectory;
import dev.promptlab.study.RunLock;
import dev.promptlab.train.AdapterObjective;
import dev.promptlab.train.Checkpoint;
import dev.promptlab.train.Checkpointer;
import dev.promptlab.train.CorpusWindows;
import dev.promptlab.train.MetricsTime;
import dev.promptlab.train.MetricsWriter;
import dev.promptlab.train.ProgressListener;
import dev.promptlab.train.TrainListener;
import dev.promptlab.train.TrainConfig;
import dev.promptlab.train.Trainer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Pretrains a built-in model from its recipe: builds the corpus, fits the word tokenizer, trains
 * a {@code gpt} on random windows of the corpus, measures the card's figures, and writes the
 * model (Hugging Face layout), {@code metrics.jsonl} and {@code model_card.json} into its run
 * directory. Deterministic for a recipe (one torch thread gives bit-identical runs).
 *
 * <p>The run directory follows {@code pretrain}'s contract ({@link dev.promptlab.study.Pretraining}):
 * {@code RUN/.lock} held for the run's life, {@code recipe.json} written first (the mark of this
 * kind of run, checked on resume: the recipe may not change), {@code RUN/checkpoint/} (every
 * weight, AdamW moments, step, the window sampler's position) every {@code checkpointEvery}
 * steps and at the end of training, and {@code model_card.json} last (the mark of a complete
 * run), after which the checkpoint goes. {@code resume} continues from the checkpoint to the
 * model an uninterrupted run writes, byte for byte, and the same card apart from its timings
 * ({@link #CARD_TIMINGS}): a resumed run's {@code train_seconds} adds the steps before
 * {@code resumed_from_step} as metrics.jsonl timed them to the last session's time, and
 * {@code prepare_seconds} and {@code eval_seconds} are the last session's.
 */
public final class BuiltinPretraining {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    /** The recipe a run directory holds, written first. */
    public static final String RECIPE = "recipe.json";
    /** The model card, written last: a directory with it holds a complete model. */
    public static final String CARD = "model_card.json";
    /**
     * The card's fields that time the last session rather than describe the model: a resumed run's
     * card differs from an uninterrupted run's in these alone.
     */
    public static final List<String> CARD_TIMINGS = List.of("prepare_seconds", "train_seconds", "seconds_per_step",
            "eval_seconds", "resumed_from_step");
    /** What messages call this kind of run. */
    static final String KIND = "pretrain --builtin";
    /** Held-out gloss documents used for perplexity (the first ones of the fixed order). */
    static final int HELD_OUT_DOCUMENTS = 1000;

    private BuiltinPretraining() {}

    /**
     * How a run is carried out (not what it trains).
     *
     * @param resume continue the run in the directory from its checkpoint (from the start when it
     *     has none); a complete run is left as it is
     * @param checkpointEvery steps between checkpoints, 0 = none (a killed run then starts over)
     * @param progress show a progress bar on stderr
     * @param figures measure the card's figures (ICL, generation, perplexity) after training; else
     *     held-out perplexity only
     * @param listeners more listeners of the training, after the run's own (a failure in one stops
     *     the run, resumable from its last checkpoint)
     */
    public record Options(boolean resume, int checkpointEvery, boolean progress, boolean figures,
            List<TrainListener> listeners) {
        public Options {
            if (checkpointEvery < 0) {
                throw new IllegalArgumentException("checkpoint interval must be >= 0, got " + checkpointEvery);
            }
            listeners = List.copyOf(listeners);
        }

        public Options(boolean resume, int checkpointEvery, boolean progress, boolean figures) {
            this(resume, checkpointEvery, progress, figures, List.of());
        }
    }

    /**
     * Pretrains (or resumes) {@code recipe} into {@code out}, holding its lock: a new run needs
     * an absent or empty directory, a resumed one this recipe's run.
     *
     * @return the model card
     * @throws dev.promptlab.study.RunLockedException when another run holds {@code out}
     */
    public static ObjectNode run(ModelRecipe recipe, Path out, Options options) throws IOException {
        RunDirectory.require(out, options.resume(), false, RECIPE, KIND);
        RecipeFile.check(out, recipe); // before the lock, which would add its file to a directory that is refused
        try (RunLock lock = RunLock.acquire(out)) {
            RunDirectory.require(out, options.resume(), true, RECIPE, KIND); // again, now that no other run can write
            return trainInto(recipe, out, options);
        }
    }

    /**
     * The work of {@link #run} in {@code dir}, whose lock (or a lock that covers it) the caller
     * holds; the built-in model cache calls it with {@code resume} always on.
     */
    static ObjectNode trainInto(ModelRecipe recipe, Path dir, Options options) throws IOException {
        Path checkpoint = dir.resolve("checkpoint");
        if (options.resume()) {
            AtomicFiles.recoverLeftovers(dir); // a checkpoint half-replaced by a kill, temporary files
            RecipeFile.check(dir, recipe);
            if (Files.isRegularFile(dir.resolve(CARD))) {
                AtomicFiles.deleteTree(checkpoint); // complete; a kill after the card may have left the checkpoint
                return (ObjectNode) JSON.readTree(dir.resolve(CARD).toFile());
            }
        }
        try {
            RecipeFile.write(dir, recipe);
            return train(recipe, dir, options, checkpoint);
        } catch (IOException | RuntimeException | Error e) {
            if (!options.resume() && !Checkpoint.exists(checkpoint)) {
                RunDirectory.deleteContents(dir); // nothing to resume: never leave a half-trained model behind
            }
            throw e;
        }
    }

    private static ObjectNode train(ModelRecipe recipe, Path out, Options options, Path checkpoint) throws IOException {
        long t0 = System.nanoTime();
        PretrainCorpus corpus = PretrainCorpus.build(recipe);
        WordTokenizer tokenizer = tokenizer(corpus, recipe);
        int[] train = tokenStream(corpus.documents(), tokenizer);
        int[] heldOut = tokenStream(corpus.heldOut().subList(0, Math.min(HELD_OUT_DOCUMENTS, corpus.heldOut().size())),
                tokenizer);
        double prepareSeconds = (System.nanoTime() - t0) / 1e9;
        ModelConfig config = new ModelConfig("gpt", tokenizer.vocabSize(), recipe.context(), recipe.hidden(),
                recipe.layers(), recipe.heads(), 4 * recipe.hidden(), 1e-5, tokenizer.bosId(), tokenizer.eosId());
        TrainConfig trainConfig = new TrainConfig(recipe.steps(), recipe.batchSize(), recipe.learningRate(),
                recipe.warmupSteps(), 0.01, 1.0, recipe.seed(), 10, options.checkpointEvery());
        try (NDManager manager = Devices.newManager();
                LanguageModel model = Architectures.byName("gpt").init(config, manager, new Rng(recipe.seed()))) {
            Trainer trainer = new Trainer(trainConfig, model.parameters(), new AdapterObjective(model, null)::loss,
                    new CorpusWindows(train, recipe.batchSize(), recipe.context(), recipe.seed() + 1), model.manager());
            int resumedFrom = -1;
            double secondsBefore = 0;
            if (options.resume() && Checkpoint.exists(checkpoint)) {
                try (NDManager scope = model.manager().newSubManager()) {
                    trainer.restore(Checkpoint.load(checkpoint, scope)); // weights, moments, step, sampler position
                }
                resumedFrom = trainer.step();
                secondsBefore = MetricsTime.upTo(out.resolve("metrics.jsonl"), resumedFrom);
            }
            trainer.addListener(new MetricsWriter(out.resolve("metrics.jsonl"), trainConfig.logEvery()));
            if (options.checkpointEvery() > 0) {
                trainer.addListener(new Checkpointer(checkpoint, options.checkpointEvery())); // also at the end
            }
            if (options.progress()) {
                trainer.addListener(new ProgressListener("pretrain builtin:" + recipe.name()));
            }
            options.listeners().forEach(trainer::addListener);
            long t1 = System.nanoTime();
            trainer.run();
            double trainSeconds = (System.nanoTime() - t1) / 1e9;
            for (NDArray p : model.parameters().values()) {
                p.setRequiresGradient(false);
            }
            LoadedModel.save(model, tokenizer, out);
            ObjectNode card = JSON.createObjectNode();
            card.put("name", "builtin:" + recipe.name());
            card.set("recipe", JSON.valueToTree(recipe));
            card.put("recipe_summary", recipe.summary());
            card.put("parameters", model.parameterCount());
            card.put("vocab_size", tokenizer.vocabSize());
            card.put("data_sha256", corpus.sha256());
            card.put("train_documents", corpus.documents().size());
            card.put("train_tokens", train.length);
            card.put("steps", trainer.step());
            card.put("final_train_loss", trainer.lastLoss());
            card.put("prepare_seconds", prepareSeconds);
            card.put("train_seconds", secondsBefore + trainSeconds);
            card.put("seconds_per_step", (secondsBefore + trainSeconds) / trainer.step());
            if (resumedFrom >= 0) {
                card.put("resumed_from_step", resumedFrom); // the steps before it are timed from metrics.jsonl
            }
            card.put("torch_threads", System.getProperty("ai.djl.pytorch.num_threads", "default"));
            ObjectNode machine = card.putObject("machine");
            dev.promptlab.bench.Machine.describe().forEach(machine::put);
            if (options.figures()) {
                long t2 = System.nanoTime();
                card.set("figures", new ModelFigures(model, tokenizer, 4, recipe.evalExamples(), recipe.seed() + 2)
                        .all(heldOut));
                card.put("eval_seconds", (System.nanoTime() - t2) / 1e9);
            } else {
                double loss = ModelFigures.heldOutLoss(model, heldOut);
                ObjectNode f = card.putObject("figures");
                f.put("heldout_loss", loss);
                f.put("heldout_perplexity", Math.exp(loss));
            }
            AtomicFiles.writeString(out.resolve(CARD), JSON.writeValueAsString(card) + "\n");
            AtomicFiles.deleteTree(checkpoint); // the model is the result now; its optimizer state is twice its size
            return card;
        }
    }

    /**
     * The word vocabulary: first every word of the mixed-in built-in tasks' label words and generation
     * answers (all splits: a vocabulary entry is not an example, and without it a held-out answer
     * could never even be written), then WordNet's gloss words by frequency, up to the bound.
     */
    static WordTokenizer tokenizer(PretrainCorpus corpus, ModelRecipe recipe) {
        int vocabSize = recipe.vocabSize();
        WordTokenizer byFrequency = WordTokenizer.fit(corpus.vocabularyText(), vocabSize, 2);
        java.util.LinkedHashSet<String> words = new java.util.LinkedHashSet<>();
        for (String name : BuiltinTasks.pretrainingNames(recipe.iclStudyTasks())) {
            BuiltinTask task = BuiltinTasks.get(name);
            task.spec().labels().forEach(l -> words.addAll(byFrequency.split(l)));
            if (task.spec().labels().isEmpty() && !task.spec().metric().equals("bleu")) {
                for (Split s : Split.values()) {
                    task.items(s).forEach(i -> words.addAll(byFrequency.split(i.example().output())));
                }
            }
        }
        words.removeAll(WordTokenizer.SPECIALS);
        for (String w : byFrequency.vocabulary()) {
            if (words.size() >= vocabSize - WordTokenizer.SPECIALS.size()) {
                break;
            }
            if (!WordTokenizer.SPECIALS.contains(w)) {
                words.add(w);
            }
        }
        return WordTokenizer.ofWords(new ArrayList<>(words));
    }

    /** BOS document EOS, concatenated (EOS opens documents too for a vocabulary without BOS). */
    public static int[] tokenStream(List<String> documents, Tokenizer tokenizer) {
        List<int[]> parts = new ArrayList<>(documents.size());
        int total = 0;
        for (String d : documents) {
            int[] ids = tokenizer.encode(d);
            int[] doc = new int[ids.length + 2];
            doc[0] = tokenizer.bosId() >= 0 ? tokenizer.bosId() : tokenizer.eosId();
            System.arraycopy(ids, 0, doc, 1, ids.length);
            doc[doc.length - 1] = tokenizer.eosId();
            parts.add(doc);
            total += doc.length;
        }
        int[] stream = new int[total];
        int at = 0;
        for (int[] p : parts) {
            System.arraycopy(p, 0, stream, at, p.length);
            at += p.length;
        }
        return stream;
    }
}
