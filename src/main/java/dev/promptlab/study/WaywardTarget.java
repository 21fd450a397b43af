package dev.promptlab.study;

import dev.promptlab.analysis.ProjectedText;
import dev.promptlab.eval.SquadF1;
import dev.promptlab.analysis.TargetKind;
import dev.promptlab.analysis.TargetText;
import dev.promptlab.tokenize.Tokenizer;

import java.util.List;

/**
 * A target text of one (model, task) as the run's settings record it, scored or flagged.
 *
 * @param model the model reference
 * @param task the task's name
 * @param text the target text
 * @param kind what it is to the task
 * @param source where it came from
 * @param tokens its token count under the model's tokenizer (the prompt length)
 * @param f1Ceiling the prompt F1 of the target's own tokens decoded: what a prompt that projects
 *     exactly onto the target scores (1 unless the tokenizer changes words, e.g. drops them)
 * @param unknownWords words the tokenizer cannot write; a target with any is flagged and not scored
 */
public record WaywardTarget(String model, String task, String text, TargetKind kind, String source, int tokens,
        double f1Ceiling, List<String> unknownWords) {

    public WaywardTarget {
        unknownWords = List.copyOf(unknownWords);
    }

    static WaywardTarget of(String model, String task, TargetText t, Tokenizer tokenizer) {
        double ceiling = SquadF1.f1(ProjectedText.decode(tokenizer, t.ids()), t.text());
        return new WaywardTarget(model, task, t.text(), t.kind(), t.source(), t.promptLength(), ceiling, t.unknownWords());
    }

    /** Whether it is flagged (the tokenizer cannot write it) and so not scored. */
    public boolean flagged() {
        return !unknownWords.isEmpty();
    }
}
