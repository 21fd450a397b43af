package dev.promptlab.icl;

import dev.promptlab.task.Example;
import dev.promptlab.tensor.Rng;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Demonstrations drawn uniformly without replacement from a pool, from a seeded {@link Rng}:
 * the same seed and the same sequence of calls give the same demonstrations.
 */
public final class RandomRetriever implements Retriever {
    private final List<Example> pool;
    private final Rng rng;

    public RandomRetriever(List<Example> pool, long seed) {
        if (pool.isEmpty()) {
            throw new IllegalArgumentException("the demonstration pool is empty");
        }
        this.pool = List.copyOf(pool);
        this.rng = new Rng(seed);
    }

    @Override
    public List<Example> retrieve(Example query, int queryIndex, int k) {
        int available = pool.size() - (queryIndex >= 0 && queryIndex < pool.size() ? 1 : 0);
        if (k < 0 || k > available) {
            throw new IllegalArgumentException("cannot draw " + k + " demonstrations from a pool of " + available);
        }
        Set<Integer> chosen = new HashSet<>();
        List<Example> out = new ArrayList<>(k);
        while (out.size() < k) {
            int i = rng.nextInt(pool.size());
            if (i != queryIndex && chosen.add(i)) {
                out.add(pool.get(i));
            }
        }
        return out;
    }
}
