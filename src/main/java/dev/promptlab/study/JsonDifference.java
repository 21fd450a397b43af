package dev.promptlab.study;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The first place where two JSON documents differ, for messages that refuse to resume a run with
 * other settings: "{@code reps} was 3 ... but is 5 now" says what to change, "other settings" does not.
 *
 * @param path where, e.g. {@code reps}, {@code models[1]}, {@code train_config.seed} ("" for the root)
 * @param before the value in the run's file ({@code missing} when absent)
 * @param now the value asked for now ({@code missing} when absent)
 */
public record JsonDifference(String path, String before, String now) {

    /**
     * The first difference of {@code before} and {@code now} in document order, or null when they
     * are equal. Numbers compare by value, so an int read back from a file equals the long written.
     */
    public static JsonDifference first(JsonNode before, JsonNode now) {
        return first("", before, now);
    }

    private static JsonDifference first(String path, JsonNode a, JsonNode b) {
        if (a.isObject() && b.isObject()) {
            Set<String> names = new LinkedHashSet<>();
            a.fieldNames().forEachRemaining(names::add);
            b.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                JsonDifference d = first(path.isEmpty() ? name : path + "." + name, a.path(name), b.path(name));
                if (d != null) {
                    return d;
                }
            }
            return null;
        }
        if (a.isArray() && b.isArray() && a.size() == b.size()) {
            Iterator<JsonNode> x = a.elements();
            Iterator<JsonNode> y = b.elements();
            for (int i = 0; x.hasNext(); i++) {
                JsonDifference d = first(path + "[" + i + "]", x.next(), y.next());
                if (d != null) {
                    return d;
                }
            }
            return null;
        }
        if (a.isNumber() && b.isNumber() ? sameNumber(a, b) : a.equals(b)) {
            return null;
        }
        return new JsonDifference(path, shown(a), shown(b));
    }

    private static boolean sameNumber(JsonNode a, JsonNode b) {
        return a.isIntegralNumber() && b.isIntegralNumber() ? a.bigIntegerValue().equals(b.bigIntegerValue())
                : Double.compare(a.doubleValue(), b.doubleValue()) == 0;
    }

    private static String shown(JsonNode n) {
        return n.isMissingNode() ? "missing" : n.toString();
    }
}
