package dev.promptlab.model;

import dev.promptlab.model.hf.bloom.BloomArchitecture;
import dev.promptlab.model.hf.llama.LlamaArchitecture;
import dev.promptlab.model.hf.opt.OptArchitecture;

import java.util.List;
import java.util.stream.Collectors;

/** The registry of model families, looked up by CLI name or by {@code config.json}'s model_type. */
public final class Architectures {
    private static final List<Architecture> ALL = List.of(new GptArchitecture(), new LstmArchitecture(),
            new OptArchitecture(), new BloomArchitecture(), new LlamaArchitecture());

    private Architectures() {}

    public static List<Architecture> all() {
        return ALL;
    }

    public static Architecture byName(String name) {
        return ALL.stream().filter(a -> a.name().equals(name)).findFirst().orElseThrow(() ->
                new IllegalArgumentException("unknown architecture '" + name + "' (known: " + names() + ")"));
    }

    public static Architecture byModelType(String modelType) {
        return ALL.stream().filter(a -> a.modelTypes().contains(modelType)).findFirst().orElseThrow(() ->
                new IllegalArgumentException("unsupported model_type '" + modelType + "' (supported: "
                        + ALL.stream().flatMap(a -> a.modelTypes().stream()).collect(Collectors.joining(", ")) + ")"));
    }

    private static String names() {
        return ALL.stream().map(Architecture::name).collect(Collectors.joining(", "));
    }
}
