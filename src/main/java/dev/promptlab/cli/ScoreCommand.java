package dev.promptlab.cli;

import dev.promptlab.study.ModelSource;
import dev.promptlab.study.RunDirectory;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptlab.adapt.Adapter;
import dev.promptlab.adapt.AdapterFile;
import dev.promptlab.eval.TokenLogProbs;
import dev.promptlab.model.LoadedModel;
import dev.promptlab.tensor.AtomicFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** Per-token log-probabilities of a text. */
@Command(name = "score", mixinStandardHelpOptions = true,
        description = "Write {\"ids\": [...], \"logprobs\": [...]}: logprobs[i] is the natural-log probability of ids[i]"
                + " given the tokens before it (and the adapter's prompt), null for the first.")
final class ScoreCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "model directory, or builtin:tiny|small|base")
    Path modelDir;
    @Option(names = "--adapter", description = "adapter directory (RUN/adapter), any method")
    Path adapterDir;
    @Option(names = "--text", required = true, description = "the text to score")
    String text;
    @Option(names = "--no-special", description = "never add BOS, even when the tokenizer would")
    boolean noSpecial;
    @Option(names = "--json", description = "output file (default: standard output)")
    Path json;

    @Override
    public Integer call() throws Exception {
        if (json != null) {
            RunDirectory.requireWritableFile(json, "--json");
        }
        try (LoadedModel loaded = ModelSource.load(modelDir.toString());
                Adapter adapter = adapterDir == null ? null : AdapterFile.load(adapterDir, loaded.model())) {
            int[] ids = noSpecial ? loaded.tokenizer().encode(text) : loaded.tokenizer().encodeAsSequence(text);
            if (ids.length == 0) {
                throw new IllegalArgumentException("--text has no tokens to score");
            }
            double[] logProbs = new TokenLogProbs(loaded.model(), adapter).of(ids);
            ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            ObjectNode out = mapper.createObjectNode();
            ArrayNode idArray = out.putArray("ids");
            ArrayNode lp = out.putArray("logprobs");
            for (int i = 0; i < ids.length; i++) {
                idArray.add(ids[i]);
                if (i == 0) {
                    lp.addNull();
                } else {
                    lp.add(logProbs[i]);
                }
            }
            String text = mapper.writeValueAsString(out) + "\n";
            if (json == null) {
                System.out.print(text);
            } else {
                AtomicFiles.writeString(json, text);
            }
        }
        return 0;
    }
}
