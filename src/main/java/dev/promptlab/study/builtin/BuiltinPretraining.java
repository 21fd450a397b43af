package dev.promptlab.study.builtin;

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
import dev.promptlab.train.AdapterObjective;
import dev.promptlab.train.CorpusWindows;
import dev.promptlab.train.MetricsWriter;
import dev.promptlab.train.ProgressListener;
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
 * model (Hugging Face layout), {@code metrics.jsonl} and {@code model_card.json} into a new
 * directory. Deterministic for a recipe (one torch thread gives bit-identical runs).
 */
public final class BuiltinPretraining {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    /** Held-out gloss documents used for perplexity (the first ones of the fixed order). */
    static final int HELD_OUT_DOCUMENTS = 1000;

    private BuiltinPretraining() {}

    /**
     * @param out a directory that must not exist yet; deleted again if anything fails
     * @param progress show a progress bar on stderr
     * @param figures measure the card's figures (ICL, generation, perplexity) after training
     * @return the model card
     */
    public static ObjectNode run(ModelRecipe recipe, Path out, boolean progress, boolean figures) throws IOException {
        if (Files.exists(out) && !(Files.isDirectory(out) && isEmpty(out))) {
            throw new IllegalArgumentException(out + " already exists and is not empty; choose a new --out directory");
        }
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
                recipe.warmupSteps(), 0.01, 1.0, recipe.seed(), 10, 0);
        Files.createDirectories(out);
        try (NDManager manager = NDManager.newBaseManager();
                LanguageModel model = Architectures.byName("gpt").init(config, manager, new Rng(recipe.seed()))) {
            long t1 = System.nanoTime();
            Trainer trainer = new Trainer(trainConfig, model.parameters(), new AdapterObjective(model, null)::loss,
                    new CorpusWindows(train, recipe.batchSize(), recipe.context(), recipe.seed() + 1), model.manager());
            trainer.addListener(new MetricsWriter(out.resolve("metrics.jsonl"), trainConfig.logEvery()));
            if (progress) {
                trainer.addListener(new ProgressListener("pretrain builtin:" + recipe.name()));
            }
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
            card.put("train_seconds", trainSeconds);
            card.put("seconds_per_step", trainSeconds / recipe.steps());
            card.put("torch_threads", System.getProperty("ai.djl.pytorch.num_threads", "default"));
            ObjectNode machine = card.putObject("machine");
            dev.promptlab.bench.Machine.describe().forEach(machine::put);
            if (figures) {
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
            AtomicFiles.writeString(out.resolve("model_card.json"), JSON.writeValueAsString(card) + "\n");
            return card;
        } catch (IOException | RuntimeException | Error e) {
            AtomicFiles.deleteTree(out); // never leave a half-trained model that looks complete
            throw e;
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

    private static boolean isEmpty(Path dir) throws IOException {
        try (var entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        }
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
