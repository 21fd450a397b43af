package dev.promptlab.cli;

import dev.promptlab.adapt.Adapter;
import dev.promptlab.adapt.AdapterFile;
import dev.promptlab.eval.GreedyDecoder;
import dev.promptlab.model.LoadedModel;
import dev.promptlab.tokenize.Tokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** Greedy continuation of a text, with an optional adapter. */
@Command(name = "generate", mixinStandardHelpOptions = true, description = "Continue a text greedily (with an optional adapter).")
final class GenerateCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "model directory, or builtin:tiny|small|base")
    Path modelDir;
    @Option(names = "--adapter", description = "adapter directory (RUN/adapter)")
    Path adapterDir;
    @Option(names = "--text", required = true, description = "the text to continue")
    String text;
    @Option(names = "--max-tokens", defaultValue = "32", description = "new tokens at most (default ${DEFAULT-VALUE})")
    int maxTokens;

    @Override
    public Integer call() throws Exception {
        if (maxTokens < 1) {
            throw new IllegalArgumentException("--max-tokens must be >= 1, got " + maxTokens);
        }
        try (LoadedModel loaded = ModelRef.load(modelDir);
                Adapter adapter = adapterDir == null ? null : AdapterFile.load(adapterDir, loaded.model())) {
            Tokenizer tokenizer = loaded.tokenizer();
            int[] text = tokenizer.encode(this.text);
            int[] context = text;
            if (tokenizer.addsBos() && tokenizer.bosId() >= 0) {
                context = new int[text.length + 1];
                context[0] = tokenizer.bosId();
                System.arraycopy(text, 0, context, 1, text.length);
            }
            int virtual = adapter == null ? 0 : adapter.contextPositions();
            if (virtual + context.length >= loaded.model().config().contextLength()) {
                throw new IllegalArgumentException("the text has " + context.length + " tokens"
                        + (virtual > 0 ? " (+" + virtual + " prompt)" : "") + ", leaving no room in the model's context of "
                        + loaded.model().config().contextLength());
            }
            int[] ids = new GreedyDecoder(loaded.model(), adapter).generate(context, maxTokens, tokenizer.eosId());
            System.out.println(tokenizer.decode(ids));
        }
        return 0;
    }
}
