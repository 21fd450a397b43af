package dev.promptlab.cli;

import dev.promptlab.study.ModelSource;
import ai.djl.ndarray.NDArray;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptlab.adapt.Adapter;
import dev.promptlab.adapt.AdapterFile;
import dev.promptlab.adapt.PromptEmbeddings;
import dev.promptlab.analysis.ProjectedText;
import dev.promptlab.analysis.Projection;
import dev.promptlab.model.LanguageModel;
import dev.promptlab.model.LoadedModel;
import dev.promptlab.model.ModelConfig;
import dev.promptlab.tokenize.Tokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** Shows a model's architecture and parameter counts, and an adapter's shape and nearest tokens. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Show a model's architecture and parameters; for a soft prompt, each vector's nearest tokens.")
final class InspectCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "model directory")
    Path modelDir;
    @Option(names = "--adapter", description = "adapter directory (RUN/adapter)")
    Path adapterDir;
    @Option(names = "--top-k", defaultValue = "5", description = "nearest tokens per prompt vector (default ${DEFAULT-VALUE})")
    int topK;
    @Option(names = "--metric", defaultValue = "l2", description = "l2, cosine or dot (default ${DEFAULT-VALUE})")
    String metric;
    @Option(names = "--json", description = "print JSON instead of text")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Projection.Metric m = Projection.Metric.parse(metric);
        if (topK < 1) {
            throw new IllegalArgumentException("--top-k must be >= 1, got " + topK);
        }
        try (LoadedModel loaded = ModelSource.load(modelDir.toString());
                Adapter adapter = adapterDir == null ? null : AdapterFile.load(adapterDir, loaded.model())) {
            LanguageModel model = loaded.model();
            ObjectNode out = Json.MAPPER.createObjectNode();
            ModelConfig c = model.config();
            ObjectNode mo = out.putObject("model");
            mo.put("dir", modelDir.toString());
            mo.put("arch", c.arch());
            mo.put("layers", c.numLayers());
            mo.put("heads", c.numHeads());
            mo.put("hidden", c.hiddenSize());
            mo.put("context", c.contextLength());
            mo.put("vocab", c.vocabSize());
            mo.put("parameters", model.parameterCount());
            ObjectNode groups = mo.putObject("parameter_groups");
            groupCounts(model.parameters()).forEach(groups::put);
            if (adapter != null) {
                ObjectNode ao = out.putObject("adapter");
                ao.put("dir", adapterDir.toString());
                ao.put("method", adapter.method());
                ao.put("trainable_parameters", adapter.trainableCount());
                ObjectNode shapes = ao.putObject("tensors");
                adapter.parameters().forEach((k, v) -> shapes.put(k, v.getShape().toString()));
                if (adapter instanceof PromptEmbeddings prompt) {
                    // soft prompts and P-tuning alike: project the virtual tokens the model actually reads
                    try (ai.djl.ndarray.NDManager scope = model.manager().newSubManager()) {
                        NDArray virtual = prompt.virtualEmbeddings(scope, model); // (P, C)
                        ao.put("metric", m.name().toLowerCase());
                        ArrayNode rows = ao.putArray("nearest_tokens");
                        List<List<Projection.Neighbour>> nn = Projection.nearest(virtual, model.inputEmbeddings(), m, topK);
                        float[] norms = virtual.norm(new int[] {1}).toFloatArray();
                        for (int i = 0; i < nn.size(); i++) {
                            ObjectNode row = rows.addObject();
                            row.put("position", i);
                            row.put("norm", norms[i]);
                            ArrayNode list = row.putArray("neighbours");
                            for (Projection.Neighbour n : nn.get(i)) {
                                list.addObject().put("token", tokenText(loaded.tokenizer(), n.id())).put("id", n.id())
                                        .put("score", n.score());
                            }
                        }
                        int[] projected = nn.stream().mapToInt(l -> l.get(0).id()).toArray();
                        ao.put("projected_text", ProjectedText.decode(loaded.tokenizer(), projected));
                    }
                }
            }
            if (json) {
                System.out.println(Json.MAPPER.writeValueAsString(out));
            } else {
                printText(out, loaded.tokenizer());
            }
        }
        return 0;
    }

    /**
     * A token's vocabulary string, or a placeholder ({@code <id N>}) for an embedding row the
     * tokenizer has no entry for: checkpoints pad their embedding beyond the vocabulary, and some
     * vocabularies have holes.
     */
    static String tokenText(Tokenizer tokenizer, int id) {
        if (id < 0 || id >= tokenizer.vocabSize()) {
            return ProjectedText.placeholder(id);
        }
        try {
            return tokenizer.token(id);
        } catch (IllegalArgumentException hole) {
            return ProjectedText.placeholder(id);
        }
    }

    /** Parameter counts by name with layer indices folded ("h.*.attn.c_attn.weight"). */
    static Map<String, Long> groupCounts(Map<String, NDArray> params) {
        Map<String, Long> groups = new LinkedHashMap<>();
        params.forEach((name, a) -> groups.merge(name.replaceAll("\\.\\d+\\.", ".*."), a.getShape().size(), Long::sum));
        return groups;
    }

    private static void printText(ObjectNode out, Tokenizer tokenizer) {
        ObjectNode mo = (ObjectNode) out.get("model");
        System.out.printf("model %s%n  arch %s, %d layers, %d heads, hidden %d, context %d, vocab %d%n  parameters %,d%n",
                mo.get("dir").asText(), mo.get("arch").asText(), mo.get("layers").asInt(), mo.get("heads").asInt(),
                mo.get("hidden").asInt(), mo.get("context").asInt(), mo.get("vocab").asInt(), mo.get("parameters").asLong());
        mo.get("parameter_groups").fields().forEachRemaining(e ->
                System.out.printf("    %-40s %,12d%n", e.getKey(), e.getValue().asLong()));
        if (!out.has("adapter")) {
            return;
        }
        ObjectNode ao = (ObjectNode) out.get("adapter");
        System.out.printf("adapter %s%n  method %s, trainable parameters %,d%n", ao.get("dir").asText(),
                ao.get("method").asText(), ao.get("trainable_parameters").asLong());
        ao.get("tensors").fields().forEachRemaining(e -> System.out.printf("    %s %s%n", e.getKey(), e.getValue().asText()));
        if (ao.has("nearest_tokens")) {
            System.out.printf("  nearest tokens (%s; score = %s)%n", ao.get("metric").asText(),
                    "l2".equals(ao.get("metric").asText()) ? "distance" : "similarity");
            for (var row : ao.get("nearest_tokens")) {
                StringBuilder sb = new StringBuilder();
                for (var n : row.get("neighbours")) {
                    sb.append(String.format("  %s (%.3f)", n.get("token").asText(), n.get("score").asDouble()));
                }
                System.out.printf("    [%2d] |v|=%.3f%s%n", row.get("position").asInt(), row.get("norm").asDouble(), sb);
            }
            System.out.printf("  projected text: %s%n", ao.get("projected_text").asText());
        }
    }
}
