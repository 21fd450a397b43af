package dev.promptlab.study.builtin;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptlab.model.LanguageModel;
import dev.promptlab.model.Models;
import dev.promptlab.tensor.Safetensors;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;

/**
 * Built-in models shipped inside the jar (class-path resources under
 * {@value #ROOT}{@code NAME-RECIPEHASH/}) with F16 weights, so that {@code builtin:NAME} works at
 * once instead of pretraining on first use. The directory name carries the recipe hash: a
 * changed recipe no longer finds its old checkpoint and pretrains instead.
 */
public final class ShippedModels {
    static final String ROOT = "/dev/promptlab/builtin-models/";
    static final List<String> FILES = List.of("config.json", "model.safetensors", "tokenizer.json", "model_card.json");

    private ShippedModels() {}

    static String resourceDir(String name) {
        return ROOT + BuiltinModels.cacheDir(name).getFileName() + "/";
    }

    /** Whether the jar carries a checkpoint (weights) for the current recipe of {@code name}. */
    public static boolean isShipped(String name) {
        return ShippedModels.class.getResource(resourceDir(name) + "model.safetensors") != null
                && ShippedModels.class.getResource(resourceDir(name) + "model_card.json") != null;
    }

    /**
     * The shipped model card of {@code name}, or null. A model too large for the repository's
     * budget ships its card only: the figures its recipe gave when we ran it, so that
     * {@code promptlab models} can report them before the first use pretrains the weights.
     */
    static com.fasterxml.jackson.databind.JsonNode card(String name) throws IOException {
        try (InputStream in = ShippedModels.class.getResourceAsStream(resourceDir(name) + "model_card.json")) {
            return in == null ? null : new ObjectMapper().readTree(in);
        }
    }

    /** Copies the shipped checkpoint of {@code name} into {@code target} (created). */
    static void unpack(String name, Path target) throws IOException {
        Files.createDirectories(target);
        for (String file : FILES) {
            try (InputStream in = ShippedModels.class.getResourceAsStream(resourceDir(name) + file)) {
                if (in == null) {
                    throw new IOException("shipped model " + name + " lacks " + file + " in the jar");
                }
                Files.copy(in, target.resolve(file), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    /**
     * Writes a pretrained built-in model directory as a shippable checkpoint: the same files, the
     * weights stored as F16 (half the size; promptlab up-casts to F32 when loading).
     *
     * @param name the built-in name, whose current recipe must be the one in the card
     * @param targetRoot the resources root (e.g. {@code src/main/resources}); the checkpoint goes
     *     to {@code targetRoot + ROOT + NAME-RECIPEHASH}
     */
    public static Path writeShippable(String name, Path trainedDir, Path targetRoot) throws IOException {
        Path target = targetRoot.resolve(resourceDir(name).substring(1));
        Files.createDirectories(target);
        try (NDManager manager = NDManager.newBaseManager(); LanguageModel model = Models.load(trainedDir, manager)) {
            Safetensors.write(target.resolve("model.safetensors"), model.parameters(), Map.of("promptlab_arch", "gpt"),
                    Safetensors.Dtype.F16);
        }
        for (String file : List.of("config.json", "tokenizer.json")) {
            Files.copy(trainedDir.resolve(file), target.resolve(file), StandardCopyOption.REPLACE_EXISTING);
        }
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode card = (ObjectNode) json.readTree(trainedDir.resolve("model_card.json").toFile());
        card.put("weights_dtype", "F16 (shipped; the figures were measured with the F32 weights before export)");
        stampMachine(card);
        Files.writeString(target.resolve("model_card.json"), json.writeValueAsString(card) + "\n");
        return target;
    }

    /**
     * Writes only the model card of a pretrained built-in model (for a model whose weights do not
     * fit the shipped budget; its first use pretrains the same weights from the recipe).
     */
    public static Path writeCardOnly(String name, Path trainedDir, Path targetRoot) throws IOException {
        Path target = targetRoot.resolve(resourceDir(name).substring(1));
        Files.createDirectories(target);
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode card = (ObjectNode) json.readTree(trainedDir.resolve("model_card.json").toFile());
        card.put("weights_shipped", false);
        stampMachine(card);
        Files.writeString(target.resolve("model_card.json"), json.writeValueAsString(card) + "\n");
        return target;
    }

    /** Cards written before they recorded their machine get the exporting one (we export where we train). */
    private static void stampMachine(ObjectNode card) {
        if (!card.has("machine")) {
            ObjectNode machine = card.putObject("machine");
            dev.promptlab.bench.Machine.describe().forEach(machine::put);
            machine.put("note", "recorded at export, on the machine that ran the pretraining");
        }
    }
}
