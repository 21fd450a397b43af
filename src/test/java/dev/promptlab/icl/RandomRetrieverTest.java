package dev.promptlab.icl;

import dev.promptlab.task.Example;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RandomRetrieverTest {
    static List<Example> pool(int n) {
        List<Example> pool = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            pool.add(new Example("in" + i, "out" + i));
        }
        return pool;
    }

    @Test
    void seededUnscoredAndNeverTheQuery() {
        List<Example> pool = pool(10);
        List<Demonstration> a = new RandomRetriever(pool, 7).retrieve(pool.get(3), 3, 9);
        assertEquals(a, new RandomRetriever(pool, 7).retrieve(pool.get(3), 3, 9));
        assertFalse(a.stream().anyMatch(d -> d.index() == 3));
        assertEquals(9, a.stream().mapToInt(Demonstration::index).distinct().count());
        for (Demonstration d : a) {
            assertEquals(pool.get(d.index()), d.example());
            assertTrue(Double.isNaN(d.score()), "a random demonstration claims no similarity");
        }
        assertEquals(Demonstration.examples(a), a.stream().map(Demonstration::example).toList());
        assertNotEquals(new RandomRetriever(pool, 7).retrieve(null, -1, 4), new RandomRetriever(pool, 8).retrieve(null, -1, 4));
        assertEquals(List.of(), new RandomRetriever(pool, 7).retrieve(null, -1, 0));
    }

    @Test
    void badRequestsNameTheValueAndTheAllowedRange() {
        List<Example> pool = pool(10);
        RandomRetriever r = new RandomRetriever(pool, 7);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> r.retrieve(pool.get(0), 0, 10));
        assertEquals("k = 10 demonstrations requested; allowed 0..9 (a pool of 10 without the query itself)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> r.retrieve(null, -1, -1));
        assertEquals("k = -1 demonstrations requested; allowed 0..10 (a pool of 10)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> r.retrieve(null, 10, 1));
        assertTrue(e.getMessage().contains("queryIndex 10") && e.getMessage().contains("0..9"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new RandomRetriever(List.of(), 1));
        assertTrue(e.getMessage().contains("pool is empty"), e.getMessage());
    }

    @Test
    void topKRanksByScoreThenPoolOrder() {
        double[] scores = {0.5, 2, 0.5, 3, -1, 2};
        assertEquals(List.of(3, 1, 5, 0), TopK.best(scores, -1, 4));
        assertEquals(List.of(1, 5, 0, 2, 4), TopK.best(scores, 3, 5));
        assertEquals(List.of(), TopK.best(scores, 0, 0));
    }
}
