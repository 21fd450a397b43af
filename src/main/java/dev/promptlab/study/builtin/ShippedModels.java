package dev.promptlab.study.builtin;

import dev.promptlab.tensor.Devices;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptlab.model.LanguageModel;
import dev.promptlab.model.Models;
import dev.promptlab.tensor.RowwiseInt8;
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
 * {@value #ROOT}{@code NAME-RECIPEHASH/}), so that {@code builtin:NAME} works at once instead of
 * pretraining on first use. Weights ship as F16 ({@code model.safetensors}, half of F32) or, for a
 * model too large for the repository's budget in F16, as row-wise int8
 * ({@value #INT8_WEIGHTS}, a quarter of F32; see {@link RowwiseInt8}), which unpacking decodes
 * into an ordinary F32 checkpoint. The directory name carries the recipe hash: a changed recipe
 * no longer finds its old checkpoint and pretrains instead.
 */
public final class ShippedModels {
    static final String ROOT = "/dev/promptlab/builtin-models/";
    static final List<String> FILES = List.of("config.json", "model.safetensors", "tokenizer.json", "model_card.json");
    /** The resource name of int8-encoded weights (unpacked into {@code model.safetensors}). */
    static final String INT8_WEIGHTS = "model.int8.safetensors";

    /** How a shipped checkpoint stores its weights. */
    public enum Weights {
        /** IEEE half precision; up-cast to F32 on load. */
        F16,
        /** Row-wise symmetric int8 ({@link RowwiseInt8}); decoded to F32 when unpacked. */
        INT8
    }

    private ShippedModels() {}

    static String resourceDir(String name) {
        return ROOT + BuiltinModels.cacheDir(name).getFileName() + "/";
    }

    /** Whether the jar carries a checkpoint (weights) for the current recipe of {@code name}. */
    public static boolean isShipped(String name) {
        return (resource(name, "model.safetensors") || resource(name, INT8_WEIGHTS)) && resource(name, "model_card.json");
    }

    /** Bytes the jar (and the repository) carries for {@code name}: its shipped files as stored. */
    static long shippedBytes(String name) throws IOException {
        long bytes = 0;
        for (String file : List.of("config.json", "model.safetensors", INT8_WEIGHTS, "tokenizer.json", "model_card.json")) {
            try (InputStream in = ShippedModels.class.getResourceAsStream(resourceDir(name) + file)) {
                bytes += in == null ? 0 : in.transferTo(java.io.OutputStream.nullOutputStream());
            }
        }
        return bytes;
    }

    private static boolean resource(String name, String file) {
        return ShippedModels.class.getResource(resourceDir(name) + file) != null;
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

    /**
     * Copies the shipped checkpoint of {@code name} into {@code target} (created); int8 weights are
     * decoded into an F32 {@code model.safetensors} there.
     */
    static void unpack(String name, Path target) throws IOException {
        Files.createDirectories(target);
        boolean int8 = resource(name, INT8_WEIGHTS);
        if (int8) {
            decodeInt8(name, target.resolve("model.safetensors"));
        }
        for (String file : FILES) {
            if (int8 && file.equals("model.safetensors")) {
                continue;
            }
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
    public static Path writeShippable(String name, Path trainedDir, Path targetRoot, Weights weights)
            throws IOException {
        Path target = targetRoot.resolve(resourceDir(name).substring(1));
        Files.createDirectories(target);
        try (NDManager manager = Devices.newManager(); LanguageModel model = Models.load(trainedDir, manager)) {
            if (weights == Weights.F16) {
                Safetensors.write(target.resolve("model.safetensors"), model.parameters(),
                        Map.of("promptlab_arch", "gpt"), Safetensors.Dtype.F16);
            } else {
                // Norm gains, biases and the int8 scales go as F16; the scales were rounded to F16 before quantising.
                Safetensors.write(target.resolve(INT8_WEIGHTS), RowwiseInt8.encode(model.parameters()),
                        Map.of("promptlab_arch", "gpt", RowwiseInt8.METADATA_KEY, RowwiseInt8.ENCODING),
                        Safetensors.Dtype.F16);
            }
        }
        for (String file : List.of("config.json", "tokenizer.json")) {
            Files.copy(trainedDir.resolve(file), target.resolve(file), StandardCopyOption.REPLACE_EXISTING);
        }
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode card = (ObjectNode) json.readTree(trainedDir.resolve("model_card.json").toFile());
        card.put("weights_dtype", (weights == Weights.F16 ? "F16" : "int8 row-wise (" + INT8_WEIGHTS + ")")
                + " (shipped; the figures were measured with the F32 weights before export)");
        card.put("shipped_heldout_perplexity", shippedPerplexity(name, target, trainedDir));
        stampMachine(card);
        Files.writeString(target.resolve("model_card.json"), json.writeValueAsString(card) + "\n");
        return target;
    }

    /** Decodes the shipped int8 weights of {@code name} into an F32 safetensors file. */
    private static void decodeInt8(String name, Path file) throws IOException {
        Path tmp = Files.createTempFile(file.getParent(), "int8-", ".safetensors");
        try {
            try (InputStream in = ShippedModels.class.getResourceAsStream(resourceDir(name) + INT8_WEIGHTS)) {
                Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            }
            try (NDManager manager = Devices.newManager()) {
                Map<String, NDArray> encoded = Safetensors.read(tmp, manager);
                Safetensors.write(file, RowwiseInt8.decode(encoded), Map.of("promptlab_arch", "gpt"));
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * The held-out perplexity of the weights as shipped (F16 or decoded int8), on the same held-out
     * documents as the card's {@code heldout_perplexity}, so the card says what the export cost.
     */
    private static double shippedPerplexity(String name, Path target, Path trainedDir) throws IOException {
        Path unpacked = Files.createTempDirectory("shipped-" + name);
        try {
            Path weights = Files.exists(target.resolve(INT8_WEIGHTS)) ? target.resolve(INT8_WEIGHTS)
                    : target.resolve("model.safetensors");
            try (NDManager manager = Devices.newManager()) {
                Map<String, NDArray> w = Safetensors.read(weights, manager);
                Safetensors.write(unpacked.resolve("model.safetensors"), RowwiseInt8.decode(w),
                        Map.of("promptlab_arch", "gpt"));
            }
            for (String file : List.of("config.json", "tokenizer.json")) {
                Files.copy(trainedDir.resolve(file), unpacked.resolve(file));
            }
            ModelRecipe recipe = BuiltinModels.recipe(name);
            PretrainCorpus corpus = PretrainCorpus.build(recipe);
            try (dev.promptlab.model.LoadedModel loaded = dev.promptlab.model.LoadedModel.load(unpacked)) {
                int[] heldOut = BuiltinPretraining.tokenStream(corpus.heldOut().subList(0,
                        Math.min(BuiltinPretraining.HELD_OUT_DOCUMENTS, corpus.heldOut().size())), loaded.tokenizer());
                return Math.exp(ModelFigures.heldOutLoss(loaded.model(), heldOut));
            }
        } finally {
            try (var files = Files.walk(unpacked)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
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
