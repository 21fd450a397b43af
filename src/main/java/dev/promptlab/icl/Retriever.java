package dev.promptlab.icl;

import dev.promptlab.task.Example;

import java.util.List;

/**
 * Chooses the demonstrations shown before a query from a fixed pool. Implementations never
 * return the query itself when it is one of the pool's examples (training layouts retrieve
 * from the other training examples); a different pool example with the same text may be
 * returned.
 */
public interface Retriever {
    /**
     * @param query the example to answer
     * @param queryIndex its index in the pool, or -1 when it is not in the pool
     * @param k how many demonstrations, 0 to the pool size (less one when the query is in it)
     * @return k distinct pool examples, the most similar first where the retriever measures
     *     similarity
     * @throws IllegalArgumentException for k or queryIndex out of range
     */
    List<Demonstration> retrieve(Example query, int queryIndex, int k);
}
