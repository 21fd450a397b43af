package dev.promptlab.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Decoding many contexts whose leading tokens are the same (PT's prompt and template, IPT-fixed's
 * prompt, instruction and demonstrations): the shared part is read once and its keys/values (the
 * model's decoding state) are reused for every context, greedy and beam alike. The shared part is
 * found, not declared: it is the longest common prefix of the contexts' ids, so a layout whose
 * inputs differ from the first token on simply gets no reuse. The adapter's virtual tokens come
 * first in every context, so they always belong to the shared part.
 */
public final class SharedPrefix {
    private SharedPrefix() {}

    /**
     * Tokens every context starts with, at most the shortest context's length less one (each
     * context must feed at least one token of its own to get its next-token logits); 0 for fewer
     * than two contexts.
     */
    public static int length(List<int[]> contexts) {
        if (contexts.size() < 2) {
            return 0;
        }
        int[] first = contexts.get(0);
        int shared = first.length - 1;
        for (int[] c : contexts) {
            shared = Math.min(shared, c.length - 1);
            int i = 0;
            while (i < shared && c[i] == first[i]) {
                i++;
            }
            shared = i;
        }
        return Math.max(0, shared);
    }

    /**
     * One generation per context, in order; with {@code reuse} the shared leading part is read
     * once and continued from, else every context is read whole (the reference the reuse must
     * equal, and the baseline {@code promptlab bench} compares with).
     */
    public static List<Generation> generateAll(Generator generator, List<int[]> contexts, DecodingOptions options,
            boolean reuse) {
        return each(generator, contexts, 1, reuse, (g, c) -> g.generate(c, options));
    }

    /**
     * Greedy generations of every context in each of {@code rows} batch rows
     * ({@link Generator#greedyRows}: e.g. one row per seed's prompt): {@code [context][row]}, the
     * shared leading part read once for all rows when {@code reuse}.
     */
    public static List<List<Generation>> greedyRows(Generator generator, List<int[]> contexts, int rows,
            DecodingOptions options, boolean reuse) {
        return each(generator, contexts, rows, reuse, (g, c) -> g.greedyRows(c, rows, options));
    }

    private static <T> List<T> each(Generator generator, List<int[]> contexts, int rows, boolean reuse,
            java.util.function.BiFunction<Generator, int[], T> decode) {
        int shared = reuse ? length(contexts) : 0;
        List<T> out = new ArrayList<>(contexts.size());
        if (shared == 0) {
            for (int[] c : contexts) {
                out.add(decode.apply(generator, c));
            }
            return out;
        }
        try (Generator.Prefix prefix = generator.readPrefix(Arrays.copyOf(contexts.get(0), shared), rows)) {
            Generator continuing = generator.reusing(prefix);
            for (int[] c : contexts) {
                out.add(decode.apply(continuing, c));
            }
        }
        return out;
    }
}
