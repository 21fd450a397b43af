package dev.promptlab.icl;

import dev.promptlab.model.LanguageModel;
import dev.promptlab.task.Example;
import dev.promptlab.tokenize.Tokenizer;

import java.util.ArrayList;
import java.util.List;

/**
 * Demonstrations ranked by the cosine similarity of their input's embedding to the query's
 * input's embedding, embeddings being the frozen model's mean last hidden state
 * ({@link MeanHiddenEmbedder}). The pool is embedded once, in batches, when the retriever is
 * made; a query from the pool reuses its embedding, any other query is embedded when asked
 * (one forward pass). Scores are cosines in [-1, 1]; equal scores keep pool order; the query's
 * own pool entry is never returned (another entry with the same input is, with score 1).
 * Scoring a query costs O(N · C) for a pool of N.
 */
public final class EmbeddingRetriever implements Retriever {
    private final List<Example> pool;
    private final MeanHiddenEmbedder embedder;
    private final float[][] poolEmbeddings;

    /** Embeds the pool with {@code model}, {@code batchSize} inputs per forward pass. */
    public EmbeddingRetriever(LanguageModel model, Tokenizer tokenizer, List<Example> pool, int batchSize) {
        this(new MeanHiddenEmbedder(model, tokenizer, batchSize), pool);
    }

    public EmbeddingRetriever(MeanHiddenEmbedder embedder, List<Example> pool) {
        this.pool = RetrievalChecks.pool(pool);
        this.embedder = embedder;
        this.poolEmbeddings = embedder.embed(this.pool.stream().map(Example::input).toList());
    }

    @Override
    public List<Demonstration> retrieve(Example query, int queryIndex, int k) {
        RetrievalChecks.request(pool.size(), queryIndex, k);
        RetrievalChecks.sameAsPool(pool, query, queryIndex);
        float[] q = queryIndex >= 0 ? poolEmbeddings[queryIndex] : embedder.embed(List.of(query.input()))[0];
        return nearest(q, queryIndex, k);
    }

    /**
     * The k nearest pool examples of each query from outside the pool (a test set): like
     * {@code retrieve(query, -1, k)} for each, but the queries are embedded in batches.
     */
    public List<List<Demonstration>> retrieveOutside(List<Example> queries, int k) {
        RetrievalChecks.request(pool.size(), -1, k);
        float[][] embedded = embedder.embed(queries.stream().map(Example::input).toList());
        List<List<Demonstration>> out = new ArrayList<>(queries.size());
        for (float[] q : embedded) {
            out.add(nearest(q, -1, k));
        }
        return out;
    }

    private List<Demonstration> nearest(float[] q, int excluded, int k) {
        double[] scores = new double[pool.size()];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = dot(q, poolEmbeddings[i]);
        }
        List<Demonstration> out = new ArrayList<>(k);
        for (int i : TopK.best(scores, excluded, k)) {
            out.add(new Demonstration(pool.get(i), i, scores[i]));
        }
        return out;
    }

    /** The unit-length (or zero) embedding of pool example {@code index}, a copy. */
    public float[] embedding(int index) {
        return poolEmbeddings[index].clone();
    }

    private static double dot(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += (double) a[i] * b[i];
        }
        return sum;
    }
}
