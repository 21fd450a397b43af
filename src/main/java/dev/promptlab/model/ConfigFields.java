package dev.promptlab.model;

import com.fasterxml.jackson.databind.JsonNode;

/** Typed reads of config.json fields; each failure names the field and what was found. */
final class ConfigFields {
    private ConfigFields() {}

    static int requiredInt(JsonNode json, String field) {
        JsonNode n = json.get(field);
        if (n == null || n.isNull()) {
            throw new IllegalArgumentException("config.json: missing field '" + field + "'");
        }
        return toInt(n, field);
    }

    static int optionalInt(JsonNode json, String field, int fallback) {
        JsonNode n = json.get(field);
        return n == null || n.isNull() ? fallback : toInt(n, field);
    }

    private static int toInt(JsonNode n, String field) {
        if (!n.isIntegralNumber() || !n.canConvertToInt()) {
            throw new IllegalArgumentException("config.json: field '" + field + "' must be an integer, got " + n);
        }
        return n.intValue();
    }

    static double optionalDouble(JsonNode json, String field, double fallback) {
        JsonNode n = json.get(field);
        if (n == null || n.isNull()) {
            return fallback;
        }
        if (!n.isNumber()) {
            throw new IllegalArgumentException("config.json: field '" + field + "' must be a number, got " + n);
        }
        return n.doubleValue();
    }

    static String optionalString(JsonNode json, String field, String fallback) {
        JsonNode n = json.get(field);
        if (n == null || n.isNull()) {
            return fallback;
        }
        if (!n.isTextual()) {
            throw new IllegalArgumentException("config.json: field '" + field + "' must be a string, got " + n);
        }
        return n.textValue();
    }

    static boolean optionalBoolean(JsonNode json, String field, boolean fallback) {
        JsonNode n = json.get(field);
        if (n == null || n.isNull()) {
            return fallback;
        }
        if (!n.isBoolean()) {
            throw new IllegalArgumentException("config.json: field '" + field + "' must be true or false, got " + n);
        }
        return n.booleanValue();
    }

    /** Wraps a ModelConfig validation failure so the message says it came from config.json. */
    static ModelConfig build(java.util.function.Supplier<ModelConfig> make) {
        try {
            return make.get();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("config.json: " + e.getMessage(), e);
        }
    }
}
