package dev.promptlab.adapt;

import com.fasterxml.jackson.databind.JsonNode;
import dev.promptlab.model.LoadedModel;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * One way to tune a frozen model, registered in {@link Adapters} (as PEFT registers a tuner): its
 * options, their parsing into a validated {@link MethodConfig}, reading that back from a run's
 * config.json, and how the trained result is saved.
 */
public interface TuningMethod {
    /** The name {@code tune --method} takes ("soft-prompt"). */
    String method();

    /** The options this method takes beyond the common training options. */
    List<MethodOption> options();

    /** Validated settings from the options given (each already known to be one of {@link #options()}). */
    MethodConfig parse(MethodOptions given);

    /** The settings a run recorded with {@link MethodConfig#writeJson}. */
    MethodConfig fromJson(JsonNode json);

    /** The directory of a run that holds the trained result ("adapter", or "model" for full tuning). */
    default String outputName() {
        return "adapter";
    }

    /** Saves the trained result into {@code dir} (replaced whole); {@code baseModel} is what the files cite. */
    default void save(Adapter adapter, LoadedModel loaded, Path dir, String baseModel) throws IOException {
        AdapterFile.save(adapter, loaded.model(), dir, baseModel);
    }
}
