package dev.promptlab.icl;

import dev.promptlab.task.Example;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.standard.StandardAnalyzer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.Scorer;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.Weight;
import org.apache.lucene.search.similarities.BM25Similarity;
import org.apache.lucene.store.ByteBuffersDirectory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Demonstrations ranked by BM25 between the query's input and each pool example's input, scored
 * by Apache Lucene: an in-memory index of the pool's inputs, Lucene's {@link StandardAnalyzer}
 * (Unicode word breaks, lower-cased, no stop words) and {@link BM25Similarity} with its defaults
 * (k1 = 1.2, b = 0.75). Per query term t with document frequency n among the N pool inputs:
 *
 * <pre>
 * score(t, d) = idf(t) · f / (f + k1 · (1 − b + b · |d| / avgdl)),  idf(t) = ln(1 + (N − n + 0.5) / (n + 0.5))
 * </pre>
 *
 * with f the term's count in d, |d| the document's token count as Lucene stores it (exact up to
 * 40 tokens, then rounded down to a float with a 4-bit mantissa: 41 counts as 40, 59 as 56) and
 * avgdl the mean exact length.
 * A document's score sums over the query's tokens, a repeated query token counting as often as
 * it occurs: Lucene's own per-term scores summed, as its BooleanQuery of SHOULD clauses does (up to
 * the rounding of that float sum); terms are summed one by one, so no clause limit applies to
 * long inputs.
 *
 * <p>The query's own pool entry is excluded from the results but stays in the index, so every
 * query of the pool sees the same statistics. Equal scores keep pool order. When fewer than k
 * examples share a term with the query, the rest follow with score 0, in pool order.
 * Closing releases the index; an unclosed retriever only holds heap memory.
 */
public final class Bm25Retriever implements Retriever, AutoCloseable {
    private static final String TEXT = "input";
    /** The pool index of each document, so hits map to examples however Lucene numbers documents. */
    private static final String POOL_INDEX = "pool_index";

    private final List<Example> pool;
    private final Analyzer analyzer = new StandardAnalyzer();
    private final ByteBuffersDirectory directory = new ByteBuffersDirectory();
    private final DirectoryReader reader;
    private final IndexSearcher searcher;

    public Bm25Retriever(List<Example> pool) {
        this.pool = RetrievalChecks.pool(pool);
        try {
            IndexWriterConfig config = new IndexWriterConfig(analyzer).setSimilarity(new BM25Similarity());
            try (IndexWriter writer = new IndexWriter(directory, config)) {
                for (int i = 0; i < this.pool.size(); i++) {
                    Document doc = new Document();
                    doc.add(new TextField(TEXT, this.pool.get(i).input(), TextField.Store.NO));
                    doc.add(new NumericDocValuesField(POOL_INDEX, i));
                    writer.addDocument(doc);
                }
            }
            reader = DirectoryReader.open(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("building the in-memory BM25 index", e);
        }
        searcher = new IndexSearcher(reader);
        searcher.setSimilarity(new BM25Similarity());
    }

    @Override
    public List<Demonstration> retrieve(Example query, int queryIndex, int k) {
        RetrievalChecks.request(pool.size(), queryIndex, k);
        RetrievalChecks.sameAsPool(pool, query, queryIndex);
        double[] scores = scores(query.input());
        List<Demonstration> out = new ArrayList<>(k);
        for (int i : TopK.best(scores, queryIndex, k)) {
            out.add(new Demonstration(pool.get(i), i, scores[i]));
        }
        return out;
    }

    /** BM25 score of every pool input for a query text (0 where no term is shared). */
    public double[] scores(String queryText) {
        double[] scores = new double[pool.size()];
        try {
            for (Map.Entry<String, Integer> t : termCounts(queryText).entrySet()) {
                TermQuery termQuery = new TermQuery(new Term(TEXT, t.getKey()));
                // boost = the term's count in the query: the same as repeating its clause
                Weight weight = searcher.createWeight(searcher.rewrite(termQuery), ScoreMode.COMPLETE, t.getValue());
                for (LeafReaderContext leaf : reader.leaves()) {
                    addLeafScores(weight, leaf, scores);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("scoring against the in-memory BM25 index", e);
        }
        return scores;
    }

    private static void addLeafScores(Weight weight, LeafReaderContext leaf, double[] scores) throws IOException {
        Scorer scorer = weight.scorer(leaf);
        if (scorer == null) {
            return; // the term does not occur in this segment
        }
        NumericDocValues poolIndex = leaf.reader().getNumericDocValues(POOL_INDEX);
        DocIdSetIterator docs = scorer.iterator();
        for (int doc = docs.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = docs.nextDoc()) {
            if (!poolIndex.advanceExact(doc)) {
                throw new IllegalStateException("document " + doc + " has no pool index");
            }
            scores[(int) poolIndex.longValue()] += scorer.score();
        }
    }

    /** The analyzer's tokens of {@code text} with their counts, in first-occurrence order. */
    Map<String, Integer> termCounts(String text) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        try (TokenStream tokens = analyzer.tokenStream(TEXT, text)) {
            CharTermAttribute term = tokens.addAttribute(CharTermAttribute.class);
            tokens.reset();
            while (tokens.incrementToken()) {
                counts.merge(term.toString(), 1, Integer::sum);
            }
            tokens.end();
        } catch (IOException e) {
            throw new UncheckedIOException("analysing a query", e);
        }
        return counts;
    }

    @Override
    public void close() {
        try {
            reader.close();
            directory.close();
        } catch (IOException e) {
            throw new UncheckedIOException("closing the in-memory BM25 index", e);
        }
        analyzer.close();
    }
}
