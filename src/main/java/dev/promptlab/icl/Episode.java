package dev.promptlab.icl;

import dev.promptlab.task.EncodedExample;
import dev.promptlab.task.Example;

import java.util.List;

/**
 * A query laid out with the demonstrations that fit before it, as ids.
 *
 * @param query the example answered (its output is the target)
 * @param demonstrations those shown, most similar first (the text shows them in the reverse order,
 *     the most similar next to the query)
 * @param encoded the layout's context ids (BOS, instruction, demonstrations, query context) and the
 *     target ids (the query's output only: the loss and the scores count nothing else)
 * @param dropped demonstrations retrieved but left out because the layout overflowed the context
 */
public record Episode(Example query, List<Demonstration> demonstrations, EncodedExample encoded, int dropped) {
    public Episode {
        demonstrations = List.copyOf(demonstrations);
    }
}
