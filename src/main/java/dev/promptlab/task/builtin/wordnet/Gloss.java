package dev.promptlab.task.builtin.wordnet;

import java.util.ArrayList;
import java.util.List;

/**
 * A WordNet gloss split into its definition and its quoted example sentences:
 * {@code definition; "example one"; "example two"}. Examples may carry an attribution after
 * the closing quote ({@code "..." - Shakespeare}), which is dropped.
 */
record Gloss(String definition, List<String> examples) {

    static Gloss parse(String gloss) {
        String g = gloss == null ? "" : gloss.trim();
        int firstQuote = g.indexOf('"');
        String definition = (firstQuote < 0 ? g : g.substring(0, firstQuote)).trim();
        while (definition.endsWith(";") || definition.endsWith(":")) {
            definition = definition.substring(0, definition.length() - 1).trim();
        }
        List<String> examples = new ArrayList<>();
        int at = firstQuote;
        while (at >= 0) {
            int close = g.indexOf('"', at + 1);
            if (close < 0) {
                break;
            }
            String example = g.substring(at + 1, close).trim();
            if (!example.isEmpty()) {
                examples.add(example);
            }
            at = g.indexOf('"', close + 1);
        }
        return new Gloss(definition, List.copyOf(examples));
    }
}
