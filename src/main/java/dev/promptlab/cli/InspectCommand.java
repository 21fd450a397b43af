package dev.promptlab.cli;

import dev.promptlab.adapt.Adapter;
import dev.promptlab.adapt.AdapterFile;
import dev.promptlab.analysis.Inspection;
import dev.promptlab.analysis.Projection;
import dev.promptlab.model.LoadedModel;
import dev.promptlab.study.ModelSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** Shows a model's architecture and parameter counts, and an adapter's shape and nearest tokens ({@link Inspection}). */
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
        try (LoadedModel loaded = ModelSource.load(modelDir.toString());
                Adapter adapter = adapterDir == null ? null : AdapterFile.load(adapterDir, loaded.model())) {
            Inspection inspection = Inspection.of(modelDir.toString(), loaded.model(), loaded.tokenizer(),
                    adapterDir == null ? null : adapterDir.toString(), adapter, m, topK);
            System.out.print(json ? Json.MAPPER.writeValueAsString(inspection) + "\n" : text(inspection));
        }
        return 0;
    }

    private static String text(Inspection inspection) {
        StringBuilder sb = new StringBuilder();
        Inspection.ModelSummary mo = inspection.model();
        sb.append(String.format("model %s%n  arch %s, %d layers, %d heads, hidden %d, context %d, vocab %d%n"
                + "  parameters %,d%n", mo.dir(), mo.arch(), mo.layers(), mo.heads(), mo.hidden(), mo.context(), mo.vocab(),
                mo.parameters()));
        mo.parameterGroups().forEach((k, v) -> sb.append(String.format("    %-40s %,12d%n", k, v)));
        Inspection.AdapterSummary ao = inspection.adapter();
        if (ao == null) {
            return sb.toString();
        }
        sb.append(String.format("adapter %s%n  method %s, trainable parameters %,d%n", ao.dir(), ao.method(),
                ao.trainableParameters()));
        ao.tensors().forEach((k, v) -> sb.append(String.format("    %s %s%n", k, v)));
        if (ao.nearestTokens() != null) {
            sb.append(String.format("  nearest tokens (%s; score = %s)%n", ao.metric(),
                    "l2".equals(ao.metric()) ? "distance" : "similarity"));
            for (Inspection.PromptVector row : ao.nearestTokens()) {
                StringBuilder near = new StringBuilder();
                for (Inspection.Neighbour n : row.neighbours()) {
                    near.append(String.format("  %s (%.3f)", n.token(), n.score()));
                }
                sb.append(String.format("    [%2d] |v|=%.3f%s%n", row.position(), row.norm(), near));
            }
            sb.append(String.format("  projected text: %s%n", ao.projectedText()));
        }
        return sb.toString();
    }
}
