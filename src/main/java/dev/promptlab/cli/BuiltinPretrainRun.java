package dev.promptlab.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptlab.study.builtin.BuiltinModels;
import dev.promptlab.study.builtin.BuiltinPretraining;
import dev.promptlab.study.builtin.ModelRecipe;

import java.nio.file.Path;

/**
 * {@code pretrain --builtin NAME --out DIR}: reproduces a built-in model from its recipe, with its
 * model card; checkpoints every {@code --checkpoint-every} steps, and {@code --resume} continues a
 * killed run to the model an uninterrupted one writes.
 */
final class BuiltinPretrainRun {
    private BuiltinPretrainRun() {}

    static int run(String name, int steps, int checkpointEvery, Path out, boolean resume, boolean quiet,
            boolean extraOptions) throws Exception {
        if (extraOptions) {
            throw new IllegalArgumentException("--builtin takes its data and model from the recipe; drop --model and --corpus");
        }
        String plain = name.startsWith(BuiltinModels.PREFIX) ? name.substring(BuiltinModels.PREFIX.length()) : name;
        ModelRecipe recipe = BuiltinModels.recipe(plain);
        if (steps > 0) {
            recipe = recipe.withSteps(steps);
        }
        ObjectNode card = BuiltinPretraining.run(recipe, out,
                new BuiltinPretraining.Options(resume, checkpointEvery, !quiet, true));
        System.out.printf("wrote %s: %d steps, final loss %.4f, held-out perplexity %.2f (model_card.json)%n", out,
                card.path("steps").asInt(), card.path("final_train_loss").asDouble(),
                card.path("figures").path("heldout_perplexity").asDouble());
        return 0;
    }
}
