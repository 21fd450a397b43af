package dev.promptlab.study;

import dev.promptlab.analysis.TargetText;

import java.util.List;

/**
 * One unit of work of the waywardness study: prompts of one model, one task and one prompt
 * length P (every target of that length × γ × seed), trained as one multi-prompt batch. A
 * (model, task, P) with more prompts than a batch may hold is split into parts, each a cell.
 *
 * @param model the model reference
 * @param task the task's name
 * @param promptLength P
 * @param part this cell's part, 1-based
 * @param parts how many parts (model, task, P) has
 * @param members the prompts, in target, γ, seed order
 */
record WaywardCell(String model, String task, int promptLength, int part, int parts, List<Member> members) {

    /** One prompt to train: pulled towards {@code target} with weight {@code gamma}, trained with {@code seed}. */
    record Member(TargetText target, double gamma, long seed) {}

    WaywardCell {
        members = List.copyOf(members);
    }

    /** The key the results store keeps for this cell. */
    String key() {
        return model + " | " + task + " | P=" + promptLength + " | part " + part + "/" + parts;
    }
}
