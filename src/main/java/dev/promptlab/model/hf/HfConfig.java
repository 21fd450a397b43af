package dev.promptlab.model.hf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptlab.model.ModelConfig;

import java.util.function.Supplier;

/**
 * Typed reads of Hugging Face {@code config.json} fields for the architectures under
 * {@code model.hf}. Every failure is an {@link IllegalArgumentException} whose message starts with
 * "config.json:" and names the field, so a user can fix the file without reading code.
 */
public final class HfConfig {
    private static final String FILE = "config.json: ";

    private HfConfig() {}

    /** The config as an object node (Models hands over objects only; a direct caller may not). */
    public static ObjectNode object(JsonNode json) {
        if (!(json instanceof ObjectNode o)) {
            throw new IllegalArgumentException(FILE + "must hold a JSON object, got " + json);
        }
        return o;
    }

    /** The integer under {@code name}; fails naming the field when it is absent, null or not an integer. */
    public static int requiredInt(JsonNode json, String name) {
        if (!present(json, name)) {
            throw new IllegalArgumentException(FILE + "missing field '" + name + "'");
        }
        return intOf(json, name);
    }

    /**
     * The integer under {@code override} when present, else under {@code name} (required): HF lets
     * an alias key override an attribute (BLOOM's n_embed over hidden_size).
     */
    public static int requiredInt(JsonNode json, String name, String override) {
        return present(json, override) ? intOf(json, override) : requiredInt(json, name);
    }

    /** The integer under {@code name}, or {@code fallback} when it is absent or null. */
    public static int optionalInt(JsonNode json, String name, int fallback) {
        return present(json, name) ? intOf(json, name) : fallback;
    }

    /** A positive integer under {@code name} (or {@code fallback}), else a message naming the field. */
    public static int positiveInt(JsonNode json, String name, int fallback) {
        int v = optionalInt(json, name, fallback);
        if (v <= 0) {
            throw new IllegalArgumentException(FILE + "field '" + name + "' must be positive, got " + v);
        }
        return v;
    }

    public static double optionalDouble(JsonNode json, String name, double fallback) {
        if (!present(json, name)) {
            return fallback;
        }
        JsonNode n = json.get(name);
        if (!n.isNumber()) {
            throw new IllegalArgumentException(FILE + "field '" + name + "' must be a number, got " + n);
        }
        return n.doubleValue();
    }

    public static boolean optionalBoolean(JsonNode json, String name, boolean fallback) {
        if (!present(json, name)) {
            return fallback;
        }
        JsonNode n = json.get(name);
        if (!n.isBoolean()) {
            throw new IllegalArgumentException(FILE + "field '" + name + "' must be true or false, got " + n);
        }
        return n.booleanValue();
    }

    public static String optionalString(JsonNode json, String name, String fallback) {
        if (!present(json, name)) {
            return fallback;
        }
        JsonNode n = json.get(name);
        if (!n.isTextual()) {
            throw new IllegalArgumentException(FILE + "field '" + name + "' must be a string, got " + n);
        }
        return n.textValue();
    }

    /** Fails naming {@code field} and why: an option this implementation does not compute. */
    public static IllegalArgumentException unsupported(String field, Object value, String why) {
        return new IllegalArgumentException(FILE + "field '" + field + "' = " + value + " is not supported (" + why + ")");
    }

    /** Fails unless {@code hidden} splits into {@code heads} equal heads, naming both fields. */
    public static void requireDivisible(String hiddenField, int hidden, String headsField, int heads) {
        if (heads <= 0) {
            throw new IllegalArgumentException(FILE + "field '" + headsField + "' must be positive, got " + heads);
        }
        if (hidden % heads != 0) {
            throw new IllegalArgumentException(FILE + "field '" + hiddenField + "' (" + hidden
                    + ") must be divisible by '" + headsField + "' (" + heads + ")");
        }
    }

    /** Builds a ModelConfig; its own validation failures are reported as coming from config.json. */
    public static ModelConfig build(Supplier<ModelConfig> make) {
        try {
            return make.get();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(FILE + e.getMessage(), e);
        }
    }

    /**
     * The start of a config.json to write: {@code source} (the config a model was read from, its
     * architecture-only fields kept) or, for a model promptlab made, what {@code defaults} puts;
     * then model_type, the causal-LM class {@code hfClass} (the names we save are its names) and
     * torch_dtype float32 (Models.save writes F32). The caller writes the generic fields over it.
     */
    public static ObjectNode startConfig(String modelType, String hfClass, ObjectNode source,
            java.util.function.Consumer<ObjectNode> defaults) {
        ObjectNode o = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        o.put("model_type", modelType); // first, for readers of the file
        if (source != null) {
            o.setAll(source.deepCopy());
        } else {
            defaults.accept(o);
        }
        o.put("model_type", modelType);
        o.putArray("architectures").add(hfClass);
        o.put("torch_dtype", "float32");
        return o;
    }

    /** Writes a token id, or null for "none" (-1), as HF configs do. */
    public static void putId(ObjectNode o, String key, int id) {
        if (id < 0) {
            o.putNull(key);
        } else {
            o.put(key, id);
        }
    }

    private static boolean present(JsonNode json, String name) {
        JsonNode n = json.get(name);
        return n != null && !n.isNull();
    }

    private static int intOf(JsonNode json, String name) {
        JsonNode n = json.get(name);
        if (!n.isIntegralNumber() || !n.canConvertToInt()) {
            throw new IllegalArgumentException(FILE + "field '" + name + "' must be an integer, got " + n);
        }
        return n.intValue();
    }
}
