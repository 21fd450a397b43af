package dev.promptlab.analysis;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.promptlab.adapt.Adapter;
import dev.promptlab.adapt.PromptEmbeddings;
import dev.promptlab.model.LanguageModel;
import dev.promptlab.model.ModelConfig;
import dev.promptlab.tokenize.Tokenizer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What {@code promptlab inspect} shows, as data: a model's architecture and parameter counts,
 * and for an adapter its tensors and, when it is a prompt of virtual tokens (soft prompt,
 * P-tuning), each vector's nearest vocabulary tokens and the text the prompt projects to.
 * Serialises to the command's JSON.
 *
 * @param model the model's summary
 * @param adapter the adapter's summary, or null without one
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Inspection(ModelSummary model, AdapterSummary adapter) {

    /** Architecture and sizes; {@code parameter_groups} folds layer indices ("h.*.attn.c_attn.weight"). */
    public record ModelSummary(String dir, String arch, int layers, int heads, int hidden, int context, int vocab,
            long parameters, @JsonProperty("parameter_groups") Map<String, Long> parameterGroups) {}

    /** An adapter's method, size and tensors; the projection fields only for virtual-token prompts. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record AdapterSummary(String dir, String method, @JsonProperty("trainable_parameters") long trainableParameters,
            Map<String, String> tensors, String metric, @JsonProperty("nearest_tokens") List<PromptVector> nearestTokens,
            @JsonProperty("projected_text") String projectedText) {}

    /** One prompt position: its norm and its nearest tokens (score: distance for l2, else similarity). */
    public record PromptVector(int position, float norm, List<Neighbour> neighbours) {}

    /** A vocabulary token near a prompt vector. */
    public record Neighbour(String token, int id, double score) {}

    /**
     * Inspects {@code model} (named {@code modelDir} in the output) and, when not null,
     * {@code adapter} (named {@code adapterDir}), projecting a prompt's virtual tokens (the
     * vectors the model actually reads) with {@code metric}, {@code topK} neighbours each.
     */
    public static Inspection of(String modelDir, LanguageModel model, Tokenizer tokenizer, String adapterDir,
            Adapter adapter, Projection.Metric metric, int topK) {
        if (topK < 1) {
            throw new IllegalArgumentException("--top-k must be >= 1, got " + topK);
        }
        ModelConfig c = model.config();
        ModelSummary m = new ModelSummary(modelDir, c.arch(), c.numLayers(), c.numHeads(), c.hiddenSize(),
                c.contextLength(), c.vocabSize(), model.parameterCount(), groupCounts(model.parameters()));
        return new Inspection(m, adapter == null ? null : adapterSummary(adapterDir, adapter, model, tokenizer, metric, topK));
    }

    private static AdapterSummary adapterSummary(String dir, Adapter adapter, LanguageModel model, Tokenizer tokenizer,
            Projection.Metric metric, int topK) {
        Map<String, String> shapes = new LinkedHashMap<>();
        adapter.parameters().forEach((k, v) -> shapes.put(k, v.getShape().toString()));
        if (!(adapter instanceof PromptEmbeddings prompt)) {
            return new AdapterSummary(dir, adapter.method(), adapter.trainableCount(), shapes, null, null, null);
        }
        try (NDManager scope = model.manager().newSubManager()) {
            NDArray virtual = prompt.virtualEmbeddings(scope, model); // (P, C)
            List<List<Projection.Neighbour>> nn = Projection.nearest(virtual, model.inputEmbeddings(), metric, topK);
            float[] norms = virtual.norm(new int[] {1}).toFloatArray(); // (P)
            List<PromptVector> vectors = new ArrayList<>();
            for (int i = 0; i < nn.size(); i++) {
                List<Neighbour> near = nn.get(i).stream()
                        .map(n -> new Neighbour(tokenText(tokenizer, n.id()), n.id(), n.score())).toList();
                vectors.add(new PromptVector(i, norms[i], near));
            }
            int[] projected = nn.stream().mapToInt(l -> l.get(0).id()).toArray();
            return new AdapterSummary(dir, adapter.method(), adapter.trainableCount(), shapes,
                    metric.name().toLowerCase(Locale.ROOT), vectors, ProjectedText.decode(tokenizer, projected));
        }
    }

    /**
     * A token's vocabulary string, or a placeholder ({@code <id N>}) for an embedding row the
     * tokenizer has no entry for: checkpoints pad their embedding beyond the vocabulary, and some
     * vocabularies have holes.
     */
    public static String tokenText(Tokenizer tokenizer, int id) {
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
    public static Map<String, Long> groupCounts(Map<String, NDArray> params) {
        Map<String, Long> groups = new LinkedHashMap<>();
        params.forEach((name, a) -> groups.merge(name.replaceAll("\\.\\d+\\.", ".*."), a.getShape().size(), Long::sum));
        return groups;
    }
}
