package dev.promptlab.icl;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.PriorityQueue;

/** The k best-scored pool entries: highest score first, equal scores in pool order (deterministic). */
final class TopK {
    private TopK() {}

    /** Indices of the k highest {@code scores}, never {@code excluded} (-1 excludes nothing). */
    static List<Integer> best(double[] scores, int excluded, int k) {
        // a min-heap of the best so far: its head is the worst kept (lowest score, then highest index)
        PriorityQueue<Integer> kept = new PriorityQueue<>(Math.max(1, k), (a, b) -> ranked(scores, b, a));
        for (int i = 0; i < scores.length && k > 0; i++) {
            if (i == excluded) {
                continue;
            }
            if (kept.size() < k) {
                kept.add(i);
            } else if (ranked(scores, i, kept.peek()) < 0) {
                kept.poll();
                kept.add(i);
            }
        }
        List<Integer> out = new ArrayList<>(kept);
        out.sort((a, b) -> ranked(scores, a, b));
        return Collections.unmodifiableList(out);
    }

    /** Negative when index a ranks before index b. */
    private static int ranked(double[] scores, int a, int b) {
        int byScore = Double.compare(scores[b], scores[a]);
        return byScore != 0 ? byScore : Integer.compare(a, b);
    }
}
