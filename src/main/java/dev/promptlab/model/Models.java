package dev.promptlab.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptlab.tensor.AtomicFiles;
import dev.promptlab.tensor.JsonErrors;
import dev.promptlab.tensor.Safetensors;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Model directories in the Hugging Face layout: {@code config.json} + {@code model.safetensors}
 * (or shards listed in {@code model.safetensors.index.json}).
 */
public final class Models {
    public static final String CONFIG = "config.json";
    public static final String WEIGHTS = "model.safetensors";
    public static final String INDEX = "model.safetensors.index.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private Models() {}

    /**
     * Writes {@code config.json} and {@code model.safetensors} (F32) into {@code dir}, creating it.
     * Each file is written atomically; the weights go first, so a directory whose config.json is
     * new also has the matching weights.
     */
    public static void save(LanguageModel model, Path dir) {
        Architecture arch = Architectures.byName(model.config().arch());
        ObjectNode config = arch.writeConfig(model.config());
        try {
            Files.createDirectories(dir);
            Safetensors.write(dir.resolve(WEIGHTS), model.parameters(), Map.of("promptlab_arch", arch.name()));
            AtomicFiles.writeString(dir.resolve(CONFIG),
                    JSON.writerWithDefaultPrettyPrinter().writeValueAsString(config) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save model to " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Reads and validates {@code dir/config.json} only. */
    public static ModelConfig readConfig(Path dir) {
        return readConfig(dir, architectureOf(dir));
    }

    /**
     * Loads a model directory. The weights live in a new child manager of {@code manager}
     * (the model's {@link LanguageModel#manager()}; closing the model frees them).
     *
     * @throws ModelLoadException naming the path and the problem: missing directory or files,
     *     malformed config (the field), unsupported model_type (the supported ones), truncated
     *     safetensors, missing or mis-shaped tensors (name, expected and found shape)
     */
    public static LanguageModel load(Path dir, NDManager manager) {
        Architecture arch = architectureOf(dir);
        ModelConfig config = readConfig(dir, arch);
        NDManager own = manager.newSubManager();
        try (NDManager staging = manager.newSubManager()) {
            Map<String, NDArray> weights = readWeights(dir, staging);
            try {
                return arch.fromWeights(config, weights, own);
            } catch (IllegalArgumentException e) {
                throw new ModelLoadException(dir, e.getMessage(), e);
            }
        } catch (RuntimeException e) {
            own.close();
            throw e;
        }
    }

    private static Architecture architectureOf(Path dir) {
        JsonNode json = configJson(dir);
        JsonNode type = json.get("model_type");
        if (type == null || !type.isTextual()) {
            throw new ModelLoadException(dir.resolve(CONFIG), "missing or non-string field 'model_type' (supported: "
                    + supportedTypes() + ")");
        }
        try {
            return Architectures.byModelType(type.textValue());
        } catch (IllegalArgumentException e) {
            throw new ModelLoadException(dir.resolve(CONFIG), e.getMessage(), e);
        }
    }

    private static ModelConfig readConfig(Path dir, Architecture arch) {
        try {
            return arch.readConfig(configJson(dir));
        } catch (IllegalArgumentException e) {
            String msg = String.valueOf(e.getMessage());
            // The exception names config.json already; drop the architecture's own "config.json: " lead.
            String prefix = CONFIG + ": ";
            throw new ModelLoadException(dir.resolve(CONFIG), msg.startsWith(prefix) ? msg.substring(prefix.length()) : msg, e);
        }
    }

    private static String supportedTypes() {
        return String.join(", ", Architectures.all().stream().flatMap(a -> a.modelTypes().stream()).toList());
    }

    private static JsonNode configJson(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new ModelLoadException(dir, Files.exists(dir) ? "not a directory" : "model directory does not exist");
        }
        Path file = dir.resolve(CONFIG);
        if (!Files.isRegularFile(file)) {
            throw new ModelLoadException(dir, "no " + CONFIG + " in the model directory");
        }
        JsonNode json;
        try {
            json = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new ModelLoadException(file, "not valid JSON: " + JsonErrors.describe(e), e);
        }
        if (json == null || !json.isObject()) {
            throw new ModelLoadException(file, "must hold a JSON object");
        }
        return json;
    }

    /** Reads the single file or every shard of the index into {@code manager}. */
    private static Map<String, NDArray> readWeights(Path dir, NDManager manager) {
        Path single = dir.resolve(WEIGHTS);
        Path index = dir.resolve(INDEX);
        if (Files.isRegularFile(single)) {
            return readFile(single, manager);
        }
        if (!Files.isRegularFile(index)) {
            throw new ModelLoadException(dir, "no " + WEIGHTS + " (nor a sharded " + INDEX + ") in the model directory");
        }
        JsonNode map;
        try {
            map = JSON.readTree(index.toFile()).get("weight_map");
        } catch (IOException e) {
            throw new ModelLoadException(index, "not valid JSON: " + JsonErrors.describe(e), e);
        }
        if (map == null || !map.isObject()) {
            throw new ModelLoadException(index, "missing object field 'weight_map'");
        }
        Map<String, String> wanted = new LinkedHashMap<>();
        Set<String> shards = new LinkedHashSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String shard = e.getValue().asText();
            if (shard.contains("/") || shard.contains("\\") || shard.isEmpty()) {
                throw new ModelLoadException(index, "weight_map entry '" + e.getKey() + "' names an invalid shard '" + shard + "'");
            }
            wanted.put(e.getKey(), shard);
            shards.add(shard);
        }
        Map<String, NDArray> all = new LinkedHashMap<>();
        for (String shard : shards) {
            Path file = dir.resolve(shard);
            if (!Files.isRegularFile(file)) {
                throw new ModelLoadException(file, "shard listed in " + INDEX + " does not exist");
            }
            Map<String, NDArray> part = readFile(file, manager);
            for (Map.Entry<String, NDArray> e : part.entrySet()) {
                if (shard.equals(wanted.get(e.getKey()))) {
                    all.put(e.getKey(), e.getValue());
                }
            }
        }
        for (Map.Entry<String, String> e : wanted.entrySet()) {
            if (!all.containsKey(e.getKey())) {
                throw new ModelLoadException(dir.resolve(e.getValue()), "tensor '" + e.getKey()
                        + "' listed in " + INDEX + " is not in this shard");
            }
        }
        return all;
    }

    private static Map<String, NDArray> readFile(Path file, NDManager manager) {
        try {
            Map<String, NDArray> tensors = Safetensors.read(file, manager);
            for (Map.Entry<String, NDArray> t : tensors.entrySet()) {
                if (t.getValue().getDataType() == ai.djl.ndarray.types.DataType.INT8) {
                    throw new ModelLoadException(file, "tensor '" + t.getKey() + "' is stored as I8; model weights"
                            + " must be F32, F16 or BF16 (an int8-encoded file must be decoded first)");
                }
            }
            return tensors;
        } catch (IOException e) {
            String msg = e.getMessage() == null ? e.toString() : e.getMessage();
            // Safetensors' messages already start with the file name.
            throw new ModelLoadException(file, msg.startsWith(file.toString()) ? msg.substring(file.toString().length()
                    + 2) : msg, e);
        }
    }
}
