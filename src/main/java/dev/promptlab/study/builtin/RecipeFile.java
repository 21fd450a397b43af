package dev.promptlab.study.builtin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.promptlab.study.JsonDifference;
import dev.promptlab.study.RunDirectory;
import dev.promptlab.tensor.AtomicFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code RUN/recipe.json}: the recipe a {@code pretrain --builtin} run trains, written before
 * anything else. It marks the directory as such a run, and a resumed run must train the same
 * recipe: its checkpoint is that recipe's state, so another recipe (another model, a changed
 * {@code --steps}, which also moves the learning-rate schedule) cannot continue from it.
 */
final class RecipeFile {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private RecipeFile() {}

    /** Writes the recipe into {@code dir} (created if needed); the same bytes on resume. */
    static void write(Path dir, ModelRecipe recipe) throws IOException {
        Files.createDirectories(dir);
        AtomicFiles.writeString(dir.resolve(BuiltinPretraining.RECIPE), JSON.writeValueAsString(recipe) + "\n");
    }

    /** When {@code dir} holds a recipe, it must be {@code recipe}; the message names the first field that differs. */
    static void check(Path dir, ModelRecipe recipe) throws IOException {
        Path file = dir.resolve(BuiltinPretraining.RECIPE);
        if (!Files.isRegularFile(file)) {
            return;
        }
        JsonDifference d = JsonDifference.first(RunDirectory.readRecorded(file), JSON.valueToTree(recipe));
        if (d != null) {
            throw new IllegalArgumentException("--resume: the recipe's " + d.path() + " was " + d.before() + " in " + file
                    + " but is " + d.now() + " now; resume with the --builtin model and --steps the run was started"
                    + " with, or choose another --out");
        }
    }
}
