package dev.promptlab.icl;

import dev.promptlab.task.Example;
import org.apache.lucene.analysis.standard.StandardAnalyzer;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.similarities.BM25Similarity;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * BM25 retrieval on a hand-made corpus, against Lucene's BM25 formula evaluated here by hand and
 * against Lucene's own BooleanQuery search. Every input is under 40 tokens, where Lucene stores
 * document lengths exactly, so the hand formula needs no length rounding.
 */
class Bm25RetrieverTest {
    private static final List<String> INPUTS = List.of(
            "the cat sat on the mat",
            "the dog sat on the log",
            "cats and dogs",
            "the cat chased the dog and the cat won",
            "a bird sang",
            "The cat",
            "cat cat cat");
    private static final double K1 = 1.2;
    private static final double B = 0.75;

    private static List<Example> pool() {
        List<Example> pool = new ArrayList<>();
        for (String in : INPUTS) {
            pool.add(new Example(in, "out"));
        }
        return pool;
    }

    /** Lucene's BM25 of every input for a query, from the formula, over lower-cased space-split words. */
    private static double[] byHand(String query) {
        List<List<String>> docs = INPUTS.stream().map(Bm25RetrieverTest::words).toList();
        double n = docs.size();
        double avgdl = docs.stream().mapToInt(List::size).sum() / n;
        double[] scores = new double[docs.size()];
        for (String term : words(query)) { // a repeated query word counts again
            long df = docs.stream().filter(d -> d.contains(term)).count();
            double idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
            for (int i = 0; i < docs.size(); i++) {
                long f = docs.get(i).stream().filter(term::equals).count();
                scores[i] += idf * f / (f + K1 * (1 - B + B * docs.get(i).size() / avgdl));
            }
        }
        return scores;
    }

    private static List<String> words(String s) {
        return Arrays.asList(s.toLowerCase(Locale.ROOT).split(" "));
    }

    private static void assertScores(double[] expected, double[] actual) {
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-5 * Math.max(1, expected[i]), "input " + i);
        }
    }

    @Test
    void scoresAreLuceneBm25ByHand() {
        try (Bm25Retriever r = new Bm25Retriever(pool())) {
            for (String q : List.of("the cat", "cat", "dog sat", "bird", "the the cat")) {
                assertScores(byHand(q), r.scores(q));
            }
            // a word absent from the pool scores nothing
            assertScores(new double[INPUTS.size()], r.scores("zebra"));
        }
    }

    @Test
    void rankingIsLuceneBooleanQueryRanking() throws Exception {
        // Lucene's own search: one SHOULD clause per query token, BM25 defaults, StandardAnalyzer
        try (ByteBuffersDirectory dir = new ByteBuffersDirectory(); StandardAnalyzer analyzer = new StandardAnalyzer()) {
            try (IndexWriter w = new IndexWriter(dir, new IndexWriterConfig(analyzer).setSimilarity(new BM25Similarity()))) {
                for (String in : INPUTS) {
                    Document d = new Document();
                    d.add(new TextField("input", in, TextField.Store.NO));
                    w.addDocument(d);
                }
            }
            try (DirectoryReader reader = DirectoryReader.open(dir); Bm25Retriever r = new Bm25Retriever(pool())) {
                IndexSearcher searcher = new IndexSearcher(reader);
                searcher.setSimilarity(new BM25Similarity());
                for (String q : List.of("the cat", "cat sat on the mat", "dogs and cats")) {
                    BooleanQuery.Builder query = new BooleanQuery.Builder();
                    for (String word : words(q)) {
                        query.add(new TermQuery(new Term("input", word)), BooleanClause.Occur.SHOULD);
                    }
                    ScoreDoc[] hits = searcher.search(query.build(), INPUTS.size()).scoreDocs;
                    List<Demonstration> got = r.retrieve(new Example(q, ""), -1, hits.length);
                    for (int i = 0; i < hits.length; i++) {
                        assertEquals(hits[i].doc, got.get(i).index(), q + ", rank " + i); // one segment: doc id = pool index
                        assertEquals(hits[i].score, got.get(i).score(), 1e-5, q + ", rank " + i);
                    }
                }
            }
        }
    }

    @Test
    void retrievalIsBestFirstWithoutTheQuery() {
        List<Example> pool = pool();
        try (Bm25Retriever r = new Bm25Retriever(pool)) {
            double[] expected = byHand(INPUTS.get(0));
            List<Demonstration> got = r.retrieve(pool.get(0), 0, 6);
            assertEquals(6, got.size());
            for (int i = 0; i < got.size(); i++) {
                Demonstration d = got.get(i);
                assertTrue(d.index() != 0, "the query never retrieves itself");
                assertEquals(pool.get(d.index()), d.example());
                assertEquals(expected[d.index()], d.score(), 1e-5);
                if (i > 0) {
                    assertTrue(got.get(i - 1).score() >= d.score(), "best first");
                }
            }
            // "bird" is only in input 4; the rest follow with score 0 in pool order
            List<Demonstration> bird = r.retrieve(new Example("bird", ""), -1, 3);
            assertEquals(List.of(4, 0, 1), bird.stream().map(Demonstration::index).toList());
            assertTrue(bird.get(0).score() > 0);
            assertEquals(0.0, bird.get(2).score(), 0);
        }
    }

    @Test
    void analyzerLowerCasesAndSplitsPunctuation() {
        try (Bm25Retriever r = new Bm25Retriever(pool())) {
            assertEquals(java.util.Map.of("the", 2, "cat", 2), r.termCounts("The CAT, the cat!"));
            double[] once = r.scores("the cat");
            double[] twice = r.scores("The CAT, the cat!");
            for (int i = 0; i < once.length; i++) {
                assertEquals(2 * once[i], twice[i], 1e-5);
            }
        }
    }

    @Test
    void badInputIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Bm25Retriever(List.of()));
        List<Example> pool = pool();
        try (Bm25Retriever r = new Bm25Retriever(pool)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> r.retrieve(pool.get(1), 1, 7));
            assertTrue(e.getMessage().contains("k = 7") && e.getMessage().contains("0..6"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> r.retrieve(pool.get(1), 1, -1));
            e = assertThrows(IllegalArgumentException.class, () -> r.retrieve(new Example("a bird sang", ""), 1, 1));
            assertTrue(e.getMessage().contains("queryIndex 1"), e.getMessage());
            assertEquals(7, r.retrieve(new Example("cat", ""), -1, 7).size());
        }
    }
}
