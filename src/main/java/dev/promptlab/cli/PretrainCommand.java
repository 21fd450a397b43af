package dev.promptlab.cli;

import dev.promptlab.study.RunDirectory;
import dev.promptlab.task.Corpus;
import dev.promptlab.study.ModelSource;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptlab.model.LanguageModel;
import dev.promptlab.model.LoadedModel;
import dev.promptlab.tensor.AtomicFiles;
import dev.promptlab.tokenize.Tokenizer;
import dev.promptlab.train.AdapterObjective;
import dev.promptlab.train.Batch;
import dev.promptlab.train.CorpusWindows;
import dev.promptlab.train.Losses;
import dev.promptlab.train.MetricsWriter;
import dev.promptlab.train.ProgressListener;
import dev.promptlab.train.TrainConfig;
import dev.promptlab.train.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * Trains every weight of a model on a text corpus (next-token loss), holding out the last 5 % of
 * the lines to report held-out perplexity, and writes the trained model to a new directory.
 */
@Command(name = "pretrain", mixinStandardHelpOptions = true,
        description = "Pretrain a model on a text corpus (all weights) and write it to --out.")
final class PretrainCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Option(names = "--model", description = "model directory (from init-model), or builtin:NAME to continue one")
    Path modelDir;
    @Option(names = "--corpus", description = "UTF-8 text file, one document or sentence per line")
    Path corpus;
    @Option(names = "--steps", defaultValue = "0", description = "optimizer steps (with --builtin: override the recipe's)")
    int steps;
    @Option(names = "--builtin", description = "reproduce a built-in model (tiny, small, base) from its recipe instead")
    String builtin;
    @Option(names = "--batch-size", defaultValue = "16", description = "windows per step (default ${DEFAULT-VALUE})")
    int batchSize;
    @Option(names = "--seq-len", defaultValue = "0", description = "tokens per window (default: the model's context)")
    int seqLen;
    @Option(names = "--lr", defaultValue = "3e-3", description = "peak learning rate (default ${DEFAULT-VALUE})")
    double lr;
    @Option(names = "--warmup", defaultValue = "-1", description = "warmup steps (default: 5% of steps)")
    int warmup;
    @Option(names = "--weight-decay", defaultValue = "0.01", description = "AdamW weight decay (default ${DEFAULT-VALUE})")
    double weightDecay;
    @Option(names = "--seed", defaultValue = "0", description = "data order seed (default ${DEFAULT-VALUE})")
    long seed;
    @Option(names = "--quiet", description = "no progress bar")
    boolean quiet;
    @Option(names = "--out", required = true, description = "directory for the trained model")
    Path out;

    @Override
    public Integer call() throws Exception {
        if (builtin != null) {
            return BuiltinPretrainRun.run(builtin, steps, out, quiet, modelDir != null || corpus != null);
        }
        if (modelDir == null || corpus == null || steps < 1) {
            throw new IllegalArgumentException("pretrain needs --model, --corpus and --steps >= 1 (or --builtin NAME)");
        }
        RunDirectory.requireFresh(out);
        List<String> lines = Corpus.lines(corpus);
        try (LoadedModel loaded = ModelSource.load(modelDir.toString())) {
            LanguageModel model = loaded.model();
            Tokenizer tokenizer = loaded.tokenizer();
            int heldOut = lines.size() >= 20 ? Math.max(1, lines.size() / 20) : 0;
            int[] train = tokenStream(lines.subList(0, lines.size() - heldOut), tokenizer);
            int[] valid = heldOut > 0 ? tokenStream(lines.subList(lines.size() - heldOut, lines.size()), tokenizer) : null;
            int length = seqLen > 0 ? Math.min(seqLen, model.config().contextLength()) : model.config().contextLength();
            TrainConfig config = new TrainConfig(steps, batchSize, lr, warmup >= 0 ? warmup : steps / 20, weightDecay,
                    1.0, seed, 10, 0);
            Files.createDirectories(out);
            try {
                Trainer trainer = new Trainer(config, model.parameters(), new AdapterObjective(model, null)::loss,
                        new CorpusWindows(train, batchSize, length, seed), model.manager());
                trainer.addListener(new MetricsWriter(out.resolve("metrics.jsonl"), config.logEvery()));
                if (!quiet) {
                    trainer.addListener(new ProgressListener("pretrain"));
                }
                trainer.run();
                for (NDArray p : model.parameters().values()) {
                    p.setRequiresGradient(false);
                }
                ObjectNode result = JSON.createObjectNode();
                result.put("steps", steps);
                result.put("train_tokens", train.length);
                result.put("final_loss", trainer.lastLoss());
                if (valid != null) {
                    double loss = heldOutLoss(model, valid, length);
                    result.put("heldout_tokens", valid.length);
                    result.put("heldout_loss", loss);
                    result.put("heldout_perplexity", Math.exp(loss));
                    System.out.printf("held-out loss %.4f, perplexity %.2f%n", loss, Math.exp(loss));
                }
                LoadedModel.save(model, tokenizer, out);
                AtomicFiles.writeString(out.resolve("pretrain.json"), JSON.writeValueAsString(result) + "\n");
                System.out.printf("wrote %s (final training loss %.4f)%n", out, trainer.lastLoss());
            } catch (Exception e) {
                AtomicFiles.deleteTree(out); // never leave a half-trained model that looks complete
                throw e;
            }
        }
        return 0;
    }

    /** BOS line EOS, concatenated. */
    static int[] tokenStream(List<String> lines, Tokenizer tokenizer) {
        List<int[]> parts = new ArrayList<>();
        int total = 0;
        for (String line : lines) {
            int[] ids = tokenizer.encode(line);
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

    /** Mean next-token loss over consecutive non-overlapping windows of the held-out stream. */
    static double heldOutLoss(LanguageModel model, int[] stream, int length) {
        double sum = 0;
        long count = 0;
        for (int start = 0; start + 1 < stream.length; start += length) {
            int end = Math.min(stream.length, start + length + 1);
            int[][] window = {java.util.Arrays.copyOfRange(stream, start, end)};
            try (NDManager scope = model.manager().newSubManager()) {
                Batch batch = Batch.ofWindows(window, scope);
                NDArray logits = AdapterObjective.logits(model, null, batch.ids()); // (1, T, V)
                NDArray nll = Losses.tokenNll(logits, batch.targets()); // (1, T)
                sum += nll.sum().getFloat();
                count += nll.size();
            }
        }
        return sum / count;
    }
}
