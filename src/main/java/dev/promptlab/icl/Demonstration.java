package dev.promptlab.icl;

import dev.promptlab.task.Example;

import java.util.ArrayList;
import java.util.List;

/**
 * One retrieved demonstration.
 *
 * @param example the pool example shown before the query
 * @param index its index in the retriever's pool
 * @param score its similarity to the query as the retriever measured it (BM25 score, cosine),
 *     higher is closer; NaN when the retriever measures none ({@link RandomRetriever})
 */
public record Demonstration(Example example, int index, double score) {
    /** The examples of {@code demonstrations}, in order (what {@link PromptLayout#layout} shows). */
    public static List<Example> examples(List<Demonstration> demonstrations) {
        List<Example> out = new ArrayList<>(demonstrations.size());
        for (Demonstration d : demonstrations) {
            out.add(d.example());
        }
        return out;
    }
}
