package dev.promptlab.study;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptlab.analysis.TargetKind;

import java.util.Locale;

/**
 * One trained prompt of the waywardness study, as {@code result.json}'s {@code runs} lists it.
 *
 * @param model the model reference
 * @param task the task's name
 * @param target the target text
 * @param targetKind what the target is to the task
 * @param promptLength P, the target's token count
 * @param gamma the distance term's weight
 * @param seed the training seed
 * @param accuracy test accuracy of the continuous prompt
 * @param f1 prompt F1 of its projection against the target
 * @param projectedText the text its projection reads as
 * @param projectedAccuracy test accuracy of the projected tokens used as a hard prompt
 * @param distance mean squared distance of the prompt vectors to their projected tokens
 * @param finalLoss the last step's loss (task loss plus the distance term)
 */
public record WaywardRow(String model, String task, String target, TargetKind targetKind, int promptLength, double gamma,
        long seed, double accuracy, double f1, String projectedText, double projectedAccuracy, double distance,
        double finalLoss) {

    /** The kind as results spell it: contradictory, true, unrelated, file. */
    public static String kindName(TargetKind kind) {
        return kind.name().toLowerCase(Locale.ROOT);
    }

    static TargetKind parseKind(String name) {
        return TargetKind.valueOf(name.toUpperCase(Locale.ROOT));
    }

    /** The row with exactly the fields of {@code result.json}'s schema. */
    public ObjectNode toJson() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("model", model);
        o.put("task", task);
        o.put("target", target);
        o.put("target_kind", kindName(targetKind));
        o.put("prompt_length", promptLength);
        o.put("gamma", gamma);
        o.put("seed", seed);
        o.put("accuracy", accuracy);
        o.put("f1", f1);
        o.put("projected_text", projectedText);
        o.put("projected_accuracy", projectedAccuracy);
        o.put("distance", distance);
        o.put("final_loss", finalLoss);
        return o;
    }

    /** Reads a row written by {@link #toJson}; a missing field is an error naming it. */
    public static WaywardRow fromJson(JsonNode o) {
        return new WaywardRow(text(o, "model"), text(o, "task"), text(o, "target"), parseKind(text(o, "target_kind")),
                number(o, "prompt_length").intValue(), number(o, "gamma").doubleValue(), number(o, "seed").longValue(),
                number(o, "accuracy").doubleValue(), number(o, "f1").doubleValue(), text(o, "projected_text"),
                number(o, "projected_accuracy").doubleValue(), number(o, "distance").doubleValue(),
                o.path("final_loss").isNumber() ? o.get("final_loss").doubleValue() : Double.NaN);
    }

    private static String text(JsonNode o, String field) {
        JsonNode v = o.get(field);
        if (v == null || !v.isTextual()) {
            throw new IllegalArgumentException("results row has no text field \"" + field + "\": " + o);
        }
        return v.asText();
    }

    private static Number number(JsonNode o, String field) {
        JsonNode v = o.get(field);
        if (v == null || !v.isNumber()) {
            throw new IllegalArgumentException("results row has no number field \"" + field + "\": " + o);
        }
        return v.numberValue();
    }
}
