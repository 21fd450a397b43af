package dev.promptlab.cli;

import dev.promptlab.model.LoadedModel;
import dev.promptlab.study.builtin.BuiltinModels;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The one place where a {@code --model} value becomes a model: a directory in the Hugging Face
 * layout, or {@code builtin:tiny|small|base}, which is pretrained into the cache on first use.
 */
final class ModelRef {
    private ModelRef() {}

    static LoadedModel load(Path arg) throws IOException {
        return LoadedModel.load(dir(arg));
    }

    static Path dir(Path arg) throws IOException {
        String s = arg.toString();
        return BuiltinModels.isRef(s) ? BuiltinModels.resolve(s, true) : arg;
    }

    /** What run configs record: {@code builtin:NAME} as given, else the absolute path. */
    static String name(Path arg) {
        String s = arg.toString();
        return BuiltinModels.isRef(s) ? s : arg.toAbsolutePath().toString();
    }
}
