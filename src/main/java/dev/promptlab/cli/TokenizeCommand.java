package dev.promptlab.cli;

import dev.promptlab.study.ModelSource;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.promptlab.tokenize.Tokenizer;
import dev.promptlab.tokenize.Tokenizers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** Token ids of a text, as the model sees it. */
@Command(name = "tokenize", mixinStandardHelpOptions = true,
        description = "Print the token ids of a text as a JSON list (with BOS first when the model's tokenizer adds one).")
final class TokenizeCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "model directory (its tokenizer), or builtin:tiny|small|base")
    Path modelDir;
    @Option(names = "--text", required = true, description = "the text to tokenize")
    String text;
    @Option(names = "--no-special", description = "never add BOS, even when the tokenizer would")
    boolean noSpecial;

    @Override
    public Integer call() throws Exception {
        Tokenizer tokenizer = Tokenizers.load(ModelSource.dir(modelDir.toString()));
        int[] ids = noSpecial ? tokenizer.encode(text) : tokenizer.encodeAsSequence(text);
        System.out.println(new ObjectMapper().writeValueAsString(ids));
        return 0;
    }
}
