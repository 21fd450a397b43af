package dev.promptlab.study;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptlab.analysis.TargetKind;
import dev.promptlab.analysis.WaywardChoice;
import dev.promptlab.analysis.WaywardRun;
import dev.promptlab.analysis.WaywardSelection;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The wayward prompt chosen for one (model, task, target) by the paper's rule
 * ({@link WaywardSelection}), as {@code result.json}'s {@code selected} lists it.
 *
 * @param model the model reference
 * @param task the task's name
 * @param target the target text
 * @param targetKind what the target is to the task
 * @param promptLength P, the target's token count
 * @param gamma the chosen γ
 * @param accuracy its mean test accuracy over seeds
 * @param f1 its mean prompt F1 over seeds
 * @param bestGamma0Accuracy the best mean γ = 0 accuracy over the targets of the same length
 *     (NaN without a γ = 0 run)
 * @param gap {@code bestGamma0Accuracy - accuracy}: what waywardness cost
 * @param meetsThreshold whether the chosen γ's mean F1 passed the paper's threshold (false: no γ
 *     did, and the most accurate was taken)
 */
public record WaywardSelected(String model, String task, String target, TargetKind targetKind, int promptLength,
        double gamma, double accuracy, double f1, double bestGamma0Accuracy, double gap, boolean meetsThreshold) {

    /** The choice for every target of {@code rows}, per (model, task), in the order targets first appear. */
    public static List<WaywardSelected> of(List<WaywardRow> rows) {
        Map<String, List<WaywardRow>> byModelTask = new LinkedHashMap<>();
        for (WaywardRow r : rows) {
            byModelTask.computeIfAbsent(r.model() + "\u0000" + r.task(), k -> new ArrayList<>()).add(r);
        }
        List<WaywardSelected> out = new ArrayList<>();
        for (List<WaywardRow> group : byModelTask.values()) {
            Map<String, WaywardRow> byText = new HashMap<>();
            List<WaywardRun> runs = new ArrayList<>(group.size());
            for (WaywardRow r : group) {
                byText.putIfAbsent(r.target(), r);
                runs.add(new WaywardRun(r.target(), r.promptLength(), r.gamma(), r.seed(), r.accuracy(), r.f1()));
            }
            for (WaywardChoice c : WaywardSelection.select(runs)) {
                WaywardRow first = byText.get(c.target());
                out.add(new WaywardSelected(first.model(), first.task(), first.target(), first.targetKind(),
                        c.promptLength(), c.selected().gamma(), c.selected().meanAccuracy(), c.selected().meanF1(),
                        c.bestPlainAccuracy(), c.gap(), c.meetsF1Threshold()));
            }
        }
        return out;
    }

    /** The entry with exactly the fields of {@code result.json}'s schema (NaN as null). */
    public ObjectNode toJson() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("model", model);
        o.put("task", task);
        o.put("target", target);
        o.put("target_kind", WaywardRow.kindName(targetKind));
        o.put("gamma", gamma);
        o.put("accuracy", accuracy);
        o.put("f1", f1);
        putOrNull(o, "best_gamma0_accuracy", bestGamma0Accuracy);
        putOrNull(o, "gap", gap);
        return o;
    }

    private static void putOrNull(ObjectNode o, String field, double v) {
        if (Double.isNaN(v)) {
            o.putNull(field);
        } else {
            o.put(field, v);
        }
    }
}
