package dev.promptlab.study;

import dev.promptlab.model.LoadedModel;
import dev.promptlab.study.builtin.BuiltinModels;
import dev.promptlab.tensor.Engines;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The one place where a model reference becomes a model: a directory in the Hugging Face layout,
 * or {@code builtin:tiny|small|base}, which is pretrained into the cache on first use.
 */
public final class ModelSource {
    private ModelSource() {}

    /** Loads the model (and its tokenizer); DJL is held offline. */
    public static LoadedModel load(String ref) throws IOException {
        Engines.configureOffline();
        return LoadedModel.load(dir(ref));
    }

    /** The directory a reference names; a built-in model is made on first use. */
    public static Path dir(String ref) throws IOException {
        return BuiltinModels.isRef(ref) ? BuiltinModels.resolve(ref, true) : Path.of(ref);
    }

    /** What run configs record: {@code builtin:NAME} as given, else the absolute path. */
    public static String name(String ref) {
        return BuiltinModels.isRef(ref) ? ref : Path.of(ref).toAbsolutePath().toString();
    }
}
