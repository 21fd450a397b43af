package dev.promptlab.icl;

import dev.promptlab.task.Example;

import java.util.List;

/** The argument checks every retriever shares, with messages that name the value and what is allowed. */
final class RetrievalChecks {
    private RetrievalChecks() {}

    /** Fails on an empty pool; returns an immutable copy. */
    static List<Example> pool(List<Example> pool) {
        if (pool == null || pool.isEmpty()) {
            throw new IllegalArgumentException("the demonstration pool is empty; a retriever needs at least one example");
        }
        return List.copyOf(pool);
    }

    /** Checks queryIndex (-1 or a pool index) and k (0 to what the pool offers besides the query). */
    static void request(int poolSize, int queryIndex, int k) {
        if (queryIndex < -1 || queryIndex >= poolSize) {
            throw new IllegalArgumentException("queryIndex " + queryIndex + " is outside the pool: use -1 for a query "
                    + "not in the pool, or 0.." + (poolSize - 1));
        }
        int available = poolSize - (queryIndex >= 0 ? 1 : 0);
        if (k < 0 || k > available) {
            throw new IllegalArgumentException("k = " + k + " demonstrations requested; allowed 0.." + available
                    + " (a pool of " + poolSize + (queryIndex >= 0 ? " without the query itself)" : ")"));
        }
    }

    /** Checks that the query given with a pool index is that pool example, so the right one is excluded. */
    static void sameAsPool(List<Example> pool, Example query, int queryIndex) {
        if (queryIndex >= 0 && !pool.get(queryIndex).input().equals(query.input())) {
            throw new IllegalArgumentException("queryIndex " + queryIndex + " names a pool example whose input differs "
                    + "from the query's; pass -1 for a query outside the pool");
        }
    }
}
