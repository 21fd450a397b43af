package dev.promptlab.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.promptlab.eval.Continuations;
import dev.promptlab.eval.DecodingOptions;
import dev.promptlab.model.LoadedModel;
import dev.promptlab.study.ModelSource;
import dev.promptlab.study.RunDirectory;
import dev.promptlab.tensor.AtomicFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** Continuation of a text: greedy, sampled or beam search, with no, one or several adapters. */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Continue a text (greedy by default; --temperature/--top-p sample, --beam N searches), with no"
                + " adapter, one, or several (one continuation each). Stops at EOS, a --stop string or --max-tokens.")
final class GenerateCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "model directory, or builtin:tiny|small|base")
    Path modelDir;
    @Option(names = "--adapter", description = "adapter directory (RUN/adapter), any method; repeat for several")
    List<Path> adapterDirs = new ArrayList<>();
    @Option(names = "--text", required = true, description = "the text to continue")
    String text;
    @Option(names = "--max-tokens", defaultValue = "32", description = "new tokens at most (default ${DEFAULT-VALUE})")
    int maxTokens;
    @Option(names = "--temperature", defaultValue = "0", description = "0 = greedy (default); > 0 samples")
    double temperature;
    @Option(names = "--top-p", defaultValue = "1", description = "nucleus sampling mass in (0, 1] (default ${DEFAULT-VALUE})")
    double topP;
    @Option(names = "--beam", defaultValue = "1", description = "beam width (default ${DEFAULT-VALUE} = no beam search)")
    int beams;
    @Option(names = "--length-penalty", defaultValue = "1", description = "beam score = log p / length^x (default ${DEFAULT-VALUE})")
    double lengthPenalty;
    @Option(names = "--stop", description = "stop when the continuation contains this string (cut before it); repeatable")
    List<String> stops = new ArrayList<>();
    @Option(names = "--seed", defaultValue = "0", description = "sampling seed (default ${DEFAULT-VALUE})")
    long seed;
    @Option(names = "--json", description = "also write the continuations, token ids, stop reasons and log-probabilities here")
    Path json;

    @Override
    public Integer call() throws Exception {
        if (json != null) {
            RunDirectory.requireWritableFile(json, "--json");
        }
        DecodingOptions options = new DecodingOptions(maxTokens, temperature, topP, beams, lengthPenalty, stops, seed);
        List<Continuations.Continuation> continuations;
        try (LoadedModel loaded = ModelSource.load(modelDir.toString())) {
            continuations = Continuations.generate(loaded, adapterDirs, text, options);
        }
        for (Continuations.Continuation c : continuations) {
            if (continuations.size() > 1) {
                System.out.println("== " + c.adapter());
            }
            System.out.println(c.generation().text());
        }
        if (json != null) {
            ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            AtomicFiles.writeString(json, mapper.writeValueAsString(Continuations.toJson(text, options, continuations)) + "\n");
        }
        return 0;
    }
}
