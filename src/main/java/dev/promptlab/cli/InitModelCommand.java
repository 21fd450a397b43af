package dev.promptlab.cli;

import dev.promptlab.tensor.Devices;
import dev.promptlab.study.RunDirectory;
import dev.promptlab.task.Corpus;
import ai.djl.ndarray.NDManager;
import dev.promptlab.model.Architecture;
import dev.promptlab.model.Architectures;
import dev.promptlab.model.LanguageModel;
import dev.promptlab.model.LoadedModel;
import dev.promptlab.model.ModelConfig;
import dev.promptlab.tensor.AtomicFiles;
import dev.promptlab.tensor.Rng;
import dev.promptlab.tokenize.WordTokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** Fits a word-level tokenizer on a corpus and writes a randomly initialised model in the HF layout. */
@Command(name = "init-model", mixinStandardHelpOptions = true,
        description = "Create a small language model with random weights and a tokenizer fitted on a corpus.")
final class InitModelCommand implements Callable<Integer> {
    @Option(names = "--arch", required = true, description = "gpt, opt, bloom, llama or lstm")
    String arch;
    @Option(names = "--layers", required = true, description = "number of layers")
    int layers;
    @Option(names = "--heads", defaultValue = "0", description = "attention heads (attention models; ignored by lstm)")
    int heads;
    @Option(names = "--hidden", required = true, description = "hidden size C")
    int hidden;
    @Option(names = "--context", required = true, description = "maximum sequence length")
    int context;
    @Option(names = "--corpus", required = true, description = "UTF-8 text file, one or more sentences per line")
    Path corpus;
    @Option(names = "--vocab-size", defaultValue = "16000", description = "vocabulary bound, specials included (default ${DEFAULT-VALUE})")
    int vocabSize;
    @Option(names = "--min-count", defaultValue = "1", description = "drop words seen fewer times (default ${DEFAULT-VALUE})")
    int minCount;
    @Option(names = "--seed", defaultValue = "0", description = "initialisation seed (default ${DEFAULT-VALUE})")
    long seed;
    @Option(names = "--out", required = true, description = "model directory to create")
    Path out;

    @Override
    public Integer call() throws Exception {
        Architecture architecture = Architectures.byName(arch);
        boolean attention = architecture.attention();
        if (attention && heads < 1) {
            throw new IllegalArgumentException("--heads must be >= 1 for " + arch + ", got " + heads);
        }
        RunDirectory.requireFresh(out);
        WordTokenizer tokenizer = WordTokenizer.fit(Corpus.lines(corpus), vocabSize, minCount);
        ModelConfig config = new ModelConfig(arch, tokenizer.vocabSize(), context, hidden, layers,
                attention ? heads : 0, attention ? 4 * hidden : 0, 1e-5,
                tokenizer.bosId(), tokenizer.eosId());
        try (NDManager manager = Devices.newManager();
                LanguageModel model = architecture.init(config, manager, new Rng(seed))) {
            try {
                LoadedModel.save(model, tokenizer, out);
            } catch (Exception e) {
                AtomicFiles.deleteTree(out);
                throw e;
            }
            System.out.printf("wrote %s: %s, %d layers, hidden %d, vocab %d, %,d parameters%n", out, arch, layers,
                    hidden, tokenizer.vocabSize(), model.parameterCount());
        }
        return 0;
    }
}
