package dev.promptlab.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptlab.study.builtin.BuiltinModels;
import dev.promptlab.study.builtin.ModelRecipe;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.Callable;

/** Lists the built-in models: recipe, whether cached, and the held-out figures of the cached model card. */
@Command(name = "models", mixinStandardHelpOptions = true,
        description = "List the built-in models (use them as --model builtin:NAME; pretrained on first use).")
final class ModelsCommand implements Callable<Integer> {
    @Option(names = "--json", description = "print JSON for machines instead of text")
    boolean json;

    @Override
    public Integer call() throws Exception {
        ArrayNode all = Json.MAPPER.createArrayNode();
        StringBuilder text = new StringBuilder();
        for (String name : BuiltinModels.names()) {
            ModelRecipe recipe = BuiltinModels.recipe(name);
            JsonNode card = BuiltinModels.card(name);
            ObjectNode o = all.addObject();
            o.put("name", BuiltinModels.PREFIX + name);
            o.set("recipe", Json.MAPPER.valueToTree(recipe));
            o.put("cache_dir", BuiltinModels.cacheDir(name).toString());
            o.put("cached", BuiltinModels.isCached(name));
            o.put("shipped", dev.promptlab.study.builtin.ShippedModels.isShipped(name));
            text.append(BuiltinModels.PREFIX).append(name).append(": ").append(recipe.summary()).append('\n');
            if (card == null) {
                text.append("    not pretrained yet (first use pretrains it into ").append(BuiltinModels.cacheDir(name))
                        .append("; or run promptlab pretrain --builtin ").append(name).append(" --out DIR)\n");
                continue;
            }
            o.put("parameters", card.path("parameters").asLong());
            o.set("figures", card.path("figures"));
            o.put("seconds_per_step", card.path("seconds_per_step").asDouble());
            text.append(String.format("    %s; %,d parameters, %d steps at %.2f s/step, final loss %.3f, held-out perplexity %.1f%n",
                    status(name, card), card.path("parameters").asLong(),
                    card.path("steps").asInt(), card.path("seconds_per_step").asDouble(),
                    card.path("final_train_loss").asDouble(), card.path("figures").path("heldout_perplexity").asDouble()));
            appendFigures(text, card.path("figures"));
        }
        System.out.print(json ? Json.MAPPER.writeValueAsString(all) + "\n" : text);
        return 0;
    }

    private static String status(String name, JsonNode card) {
        if (BuiltinModels.isCached(name)) {
            return "cached";
        }
        if (dev.promptlab.study.builtin.ShippedModels.isShipped(name)) {
            return "shipped in the jar (F16)";
        }
        return String.format("figures of our run of the recipe (weights not shipped: first use pretrains them, %.0f min"
                + " on the machine in the card)", card.path("train_seconds").asDouble() / 60);
    }

    private static void appendFigures(StringBuilder text, JsonNode figures) {
        int shots = figures.path("shots").asInt();
        for (Iterator<Map.Entry<String, JsonNode>> it = figures.path("icl_accuracy").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            text.append(String.format("    %d-shot ICL %-11s accuracy %.3f (chance %.3f, n %d)%n", shots, e.getKey(),
                    e.getValue().path("accuracy").asDouble(), e.getValue().path("chance").asDouble(),
                    e.getValue().path("n").asInt()));
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = figures.path("generation").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            text.append(String.format("    %d-shot gen %-11s exact match %.3f, BLEU %.3f, ROUGE-L %.3f (n %d)%n", shots,
                    e.getKey(), e.getValue().path("exact_match").asDouble(), e.getValue().path("bleu").asDouble(),
                    e.getValue().path("rouge_l").asDouble(), e.getValue().path("n").asInt()));
        }
    }
}
