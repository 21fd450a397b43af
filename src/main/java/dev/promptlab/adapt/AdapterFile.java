package dev.promptlab.adapt;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptlab.model.LanguageModel;
import dev.promptlab.tensor.AtomicFiles;
import dev.promptlab.tensor.JsonErrors;
import dev.promptlab.tensor.Safetensors;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Adapter directories in PEFT's layout: {@code adapter_model.safetensors} (PEFT's tensor names)
 * and {@code adapter_config.json} (PEFT's keys, nothing else, so PEFT loads it unchanged).
 * promptlab's own facts about the base model (vocabulary size, layers, hidden size) travel in
 * the safetensors metadata, which PEFT ignores, and let {@link #load} refuse an adapter trained
 * for another model with a clear message.
 *
 * <p>A directory is written next to its final place and renamed into it, so an existing
 * adapter is replaced whole or not at all.
 */
public final class AdapterFile {
    public static final String WEIGHTS = "adapter_model.safetensors";
    public static final String CONFIG = "adapter_config.json";
    /** promptlab's own tensors beside PEFT's (a prompt encoder's weights), so training can continue. */
    public static final String EXTRA = "promptlab_encoder.safetensors";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private AdapterFile() {}

    public static void save(Adapter adapter, LanguageModel model, Path dir, String baseModel) throws IOException {
        AdapterKind kind = Adapters.of(adapter);
        ObjectNode config = JSON.createObjectNode();
        config.put("peft_type", kind.peftType());
        config.put("task_type", "CAUSAL_LM");
        config.put("base_model_name_or_path", baseModel);
        config.put("inference_mode", true);
        config.putNull("revision");
        config.putNull("auto_mapping");
        kind.writeConfig(adapter, model, config);

        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("promptlab.method", adapter.method());
        metadata.put("promptlab.vocab_size", Integer.toString(model.vocabSize()));
        metadata.put("promptlab.hidden_size", Integer.toString(model.hiddenSize()));
        metadata.put("promptlab.num_layers", Integer.toString(model.numLayers()));
        if (model.supportsKvPrefix()) {
            metadata.put("promptlab.num_key_value_heads", Integer.toString(model.numKeyValueHeads()));
        }

        try (NDManager scope = model.manager().newSubManager()) {
            Map<String, NDArray> weights = kind.weights(adapter, model, scope);
            Map<String, NDArray> extra = kind.extraWeights(adapter);
            AtomicFiles.writeDirectory(dir, staging -> {
                Safetensors.write(staging.resolve(WEIGHTS), weights, metadata);
                if (!extra.isEmpty()) {
                    Safetensors.write(staging.resolve(EXTRA), extra, metadata);
                }
                AtomicFiles.writeString(staging.resolve(CONFIG), JSON.writeValueAsString(config) + "\n");
            });
        }
    }

    /** Reads an adapter for {@code model}; fails with a message naming the file and the mismatch. */
    public static Adapter load(Path dir, LanguageModel model) {
        Path configFile = dir.resolve(CONFIG);
        Path weightsFile = dir.resolve(WEIGHTS);
        if (!Files.isDirectory(dir)) {
            throw new AdapterException(dir + ": no such adapter directory");
        }
        if (!Files.isRegularFile(configFile)) {
            if (Files.isRegularFile(dir.resolve("config.json"))) {
                throw new AdapterException(dir + ": this is a model directory (config.json, no " + CONFIG
                        + "), e.g. what tune --method full writes; pass it as --model instead");
            }
            throw new AdapterException(dir + ": no " + CONFIG + " (is this a PEFT adapter directory?)");
        }
        if (!Files.isRegularFile(weightsFile)) {
            throw new AdapterException(dir + ": no " + WEIGHTS);
        }
        JsonNode config;
        try {
            config = JSON.readTree(configFile.toFile());
        } catch (IOException e) {
            throw new AdapterException(configFile + ": not valid JSON: " + JsonErrors.describe(e), e);
        }
        String peftType = config.path("peft_type").asText("");
        if (peftType.isEmpty()) {
            throw new AdapterException(configFile + ": missing field peft_type");
        }
        AdapterKind kind = Adapters.byPeftType(peftType, configFile.toString());
        Safetensors.Header header;
        try {
            header = Safetensors.readHeader(weightsFile);
        } catch (IOException e) {
            throw new AdapterException(e.getMessage(), e);
        }
        checkFingerprint(header.metadata(), "promptlab.vocab_size", model.vocabSize(), "vocabulary size", weightsFile);
        checkFingerprint(header.metadata(), "promptlab.hidden_size", model.hiddenSize(), "hidden size", weightsFile);
        checkFingerprint(header.metadata(), "promptlab.num_layers", model.numLayers(), "number of layers", weightsFile);
        if (model.supportsKvPrefix()) {
            checkFingerprint(header.metadata(), "promptlab.num_key_value_heads", model.numKeyValueHeads(),
                    "number of key/value heads", weightsFile);
        }
        try (NDManager scope = model.manager().newSubManager()) {
            Map<String, NDArray> weights = Safetensors.read(weightsFile, scope);
            Path extraFile = dir.resolve(EXTRA);
            Map<String, NDArray> extra = Files.isRegularFile(extraFile) ? Safetensors.read(extraFile, scope) : Map.of();
            return kind.read(config, weights, extra, model, weightsFile.toString());
        } catch (IOException e) {
            throw new AdapterException(e.getMessage(), e);
        } catch (AdapterException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            // a value the method's config record refuses (its message names the value and the range)
            throw new AdapterException(configFile + ": " + e.getMessage(), e);
        }
    }

    private static void checkFingerprint(Map<String, String> metadata, String key, int actual, String what, Path file) {
        String stored = metadata.get(key);
        if (stored != null && !stored.equals(Integer.toString(actual))) {
            throw new AdapterException(file + ": this adapter was trained for a model with " + what + " " + stored
                    + ", but the model given has " + what + " " + actual);
        }
    }

    static int requiredInt(JsonNode config, String field, String file) {
        JsonNode v = config.get(field);
        if (v == null || !v.canConvertToInt() || v.asInt() <= 0) {
            throw new AdapterException(file + ": adapter_config.json needs a positive integer '" + field + "', got " + v);
        }
        return v.asInt();
    }
}
