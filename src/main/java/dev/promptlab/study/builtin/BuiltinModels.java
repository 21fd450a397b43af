package dev.promptlab.study.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.promptlab.tensor.AtomicFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The built-in models {@code builtin:tiny}, {@code builtin:small} and {@code builtin:base}:
 * their recipes, and resolution of a reference to a model directory. A model shipped in the jar
 * ({@link ShippedModels}, F16 weights) is unpacked into the cache on first use; any other is
 * pretrained on first use into the cache, {@code $PROMPTLAB_HOME/models/NAME-RECIPEHASH} (default home
 * {@code ~/.cache/promptlab}), and reused afterwards; the recipe hash in the directory name means
 * a changed recipe never reuses a stale model. The model is made in a locked sibling directory and
 * renamed when complete ({@link ModelCache}), so an interrupted run leaves nothing that looks
 * finished, and a killed pretraining continues from its checkpoint on the next use.
 */
public final class BuiltinModels {
    public static final String PREFIX = "builtin:";
    private static final Map<String, ModelRecipe> RECIPES = recipes();

    private BuiltinModels() {}

    private static Map<String, ModelRecipe> recipes() {
        Map<String, ModelRecipe> m = new LinkedHashMap<>();
        // name, layers, heads, hidden, context, vocab, steps, batch, lr, warmup, seed, episodes, maxShots, evalExamples
        // A vocabulary of 8192 (all task answers + the most frequent gloss words) halves the cost of
        // the output layer, which dominates the small models' steps (measured: tiny 0.80 -> 0.44 s/step
        // at one thread); the saved compute goes into 4-6x more steps, which ICL needs most.
        m.put("tiny", new ModelRecipe("tiny", 2, 4, 128, 256, 8192, 2500, 8, 3e-3, 100, 1, 100000, 4, 200));
        m.put("small", new ModelRecipe("small", 4, 4, 256, 256, 8192, 3000, 8, 2e-3, 150, 1, 100000, 4, 200, true));
        m.put("base", new ModelRecipe("base", 6, 6, 384, 256, 8192, 2400, 8, 1.5e-3, 120, 1, 100000, 4, 200, true));
        return java.util.Collections.unmodifiableMap(m);
    }

    public static List<String> names() {
        return List.copyOf(RECIPES.keySet());
    }

    public static boolean isRef(String ref) {
        return ref != null && ref.startsWith(PREFIX);
    }

    /** The recipe of {@code name} (tiny, small, base), or an error listing the known names. */
    public static ModelRecipe recipe(String name) {
        ModelRecipe r = RECIPES.get(name);
        if (r == null) {
            throw new IllegalArgumentException("unknown built-in model '" + name + "' (known: "
                    + String.join(", ", names().stream().map(n -> PREFIX + n).toList()) + ")");
        }
        return r;
    }

    /** The name in {@code builtin:NAME}, checked. */
    public static String nameOf(String ref) {
        if (!isRef(ref)) {
            throw new IllegalArgumentException("'" + ref + "' is not a built-in model reference (expected builtin:NAME)");
        }
        String name = ref.substring(PREFIX.length());
        recipe(name);
        return name;
    }

    /** {@code $PROMPTLAB_HOME}, else {@code ~/.cache/promptlab}. */
    public static Path home() {
        return dev.promptlab.tensor.PromptlabHome.dir();
    }

    /** Where the model of {@code name} is (or will be) cached. */
    public static Path cacheDir(String name) {
        ModelRecipe r = recipe(name);
        String hash = Integer.toHexString(r.toString().hashCode() & 0x7fffffff);
        return home().resolve("models").resolve(name + "-" + hash);
    }

    /** Whether the model is in the cache, complete. */
    public static boolean isCached(String name) {
        return Files.isRegularFile(cacheDir(name).resolve("model_card.json"));
    }

    /** The model card of the cached model, else of the shipped one, else null (not pretrained yet). */
    public static JsonNode card(String name) throws IOException {
        Path file = cacheDir(name).resolve("model_card.json");
        if (Files.isRegularFile(file)) {
            return new ObjectMapper().readTree(file.toFile());
        }
        return ShippedModels.card(name);
    }

    /**
     * The directory of {@code builtin:NAME}, made in the cache on first use (with a progress bar
     * on stderr when {@code progress}): unpacked when shipped, else pretrained, with checkpoints,
     * continuing a first use that was killed. Two processes that need it at once do not both make
     * it: the second waits for the first ({@link ModelCache}).
     */
    public static Path resolve(String ref, boolean progress) throws IOException {
        String name = nameOf(ref);
        ModelRecipe recipe = recipe(name);
        Path dir = cacheDir(name);
        return ModelCache.resolve(dir, ref, work -> {
            if (ShippedModels.isShipped(name)) {
                AtomicFiles.deleteTree(work); // what an unpacking killed midway left
                ShippedModels.unpack(name, work);
            } else {
                System.err.printf("promptlab: %s is not in the cache yet; pretraining it into %s (once; %s)%n", ref, dir,
                        recipe.summary());
                BuiltinPretraining.trainInto(recipe, work, new BuiltinPretraining.Options(true,
                        ModelCache.CHECKPOINT_EVERY, progress, true));
            }
        }, System.err::println);
    }
}
