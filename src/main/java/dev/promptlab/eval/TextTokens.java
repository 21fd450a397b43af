package dev.promptlab.eval;

import java.util.List;

/** The word sequence that BLEU and ROUGE-L compare: {@link Metrics#normalize} then split on spaces. */
final class TextTokens {
    private TextTokens() {}

    static List<String> of(String text) {
        String n = Metrics.normalize(text);
        return n.isEmpty() ? List.of() : List.of(n.split(" "));
    }
}
