package dev.promptlab.model.hf.llama;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Typed reads of {@code config.json} fields for the llama family. Every failure is an
 * {@link IllegalArgumentException} whose message starts with "config.json: field '<name>'", so a
 * user sees which key of which file to fix.
 */
final class ConfigJson {
    private final JsonNode json;

    ConfigJson(JsonNode json) {
        this.json = json;
    }

    static IllegalArgumentException bad(String field, String problem) {
        return new IllegalArgumentException("config.json: field '" + field + "' " + problem);
    }

    /** The field's node, or null when it is absent or JSON null. */
    JsonNode get(String field) {
        JsonNode n = json.get(field);
        return n == null || n.isNull() ? null : n;
    }

    boolean has(String field) {
        return get(field) != null;
    }

    /** A required integer field. */
    int integer(String field) {
        if (!has(field)) {
            throw new IllegalArgumentException("config.json: missing field '" + field + "'");
        }
        return integer(field, 0);
    }

    /** An optional integer field ({@code fallback} when absent or null). */
    int integer(String field, int fallback) {
        return optional(field, fallback, n -> n.isIntegralNumber() && n.canConvertToInt(), "an integer",
                JsonNode::intValue);
    }

    /** A positive integer field, required unless {@code fallback} is positive. */
    int positive(String field, int fallback) {
        int v = fallback > 0 ? integer(field, fallback) : integer(field);
        if (v <= 0) {
            throw bad(field, "must be positive, got " + v);
        }
        return v;
    }

    double number(String field, double fallback) {
        return optional(field, fallback, JsonNode::isNumber, "a number", JsonNode::doubleValue);
    }

    boolean flag(String field, boolean fallback) {
        return optional(field, fallback, JsonNode::isBoolean, "true or false", JsonNode::booleanValue);
    }

    String text(String field, String fallback) {
        return optional(field, fallback, JsonNode::isTextual, "a string", JsonNode::textValue);
    }

    /** The field read by {@code value}, {@code fallback} when absent or null, an error naming it when not {@code ok}. */
    private <T> T optional(String field, T fallback, Predicate<JsonNode> ok, String what, Function<JsonNode, T> value) {
        JsonNode n = get(field);
        if (n == null) {
            return fallback;
        }
        if (!ok.test(n)) {
            throw bad(field, "must be " + what + ", got " + n);
        }
        return value.apply(n);
    }

    /**
     * A token id field that may also be a list (Llama 3 lists several end-of-sequence ids): the
     * first id, or -1 when absent.
     */
    int tokenId(String field) {
        JsonNode n = get(field);
        if (n != null && n.isArray()) {
            if (n.isEmpty()) {
                return -1;
            }
            n = n.get(0);
            if (!n.isIntegralNumber() || !n.canConvertToInt()) {
                throw bad(field, "must list integer ids, got " + get(field));
            }
            return n.intValue();
        }
        return integer(field, -1);
    }
}
