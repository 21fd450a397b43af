package dev.promptlab.icl;

import dev.promptlab.task.Example;
import dev.promptlab.tensor.Rng;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Demonstrations drawn uniformly without replacement from a pool, from a seeded {@link Rng}:
 * the same seed and the same sequence of calls give the same demonstrations. They come in draw
 * order with score NaN: no similarity is measured, so none is claimed (a similarity-binned
 * analysis must not treat random demonstrations as scored 0).
 */
public final class RandomRetriever implements Retriever {
    private final List<Example> pool;
    private final Rng rng;

    public RandomRetriever(List<Example> pool, long seed) {
        this.pool = RetrievalChecks.pool(pool);
        this.rng = new Rng(seed);
    }

    @Override
    public List<Demonstration> retrieve(Example query, int queryIndex, int k) {
        RetrievalChecks.request(pool.size(), queryIndex, k);
        Set<Integer> chosen = new HashSet<>();
        List<Demonstration> out = new ArrayList<>(k);
        while (out.size() < k) {
            int i = rng.nextInt(pool.size());
            if (i != queryIndex && chosen.add(i)) {
                out.add(new Demonstration(pool.get(i), i, Double.NaN));
            }
        }
        return out;
    }
}
