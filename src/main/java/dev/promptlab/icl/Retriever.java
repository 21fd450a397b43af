package dev.promptlab.icl;

import dev.promptlab.task.Example;

import java.util.List;

/**
 * Chooses the demonstrations shown before a query. Implementations never return the query
 * itself when it is one of the pool's examples (training layouts retrieve from the other
 * training examples).
 */
public interface Retriever {
    /**
     * @param query the example to answer
     * @param queryIndex its index in the pool, or -1 when it is not in the pool
     * @param k how many demonstrations
     */
    List<Example> retrieve(Example query, int queryIndex, int k);
}
