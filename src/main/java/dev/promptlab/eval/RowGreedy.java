package dev.promptlab.eval;

import ai.djl.ndarray.NDManager;

import java.util.ArrayList;
import java.util.List;

/**
 * Greedy decoding of one context in several batch rows at once (e.g. one row per seed's prompt):
 * every row takes its own most likely token and stops on its own; a stopped row keeps being fed
 * (its EOS, or its last token) so the batch stays rectangular, and its later tokens are ignored.
 * The rows never mix, so each generation is what its row alone would give.
 */
final class RowGreedy {
    private final Generator generator;
    private final DecodingOptions options;

    RowGreedy(Generator generator, DecodingOptions options) {
        this.generator = generator;
        this.options = options;
    }

    List<Generation> run(int[] context, int rows) {
        int room = generator.room(context.length);
        int budget = Math.min(options.maxTokens(), room);
        Generation.Stop atBudget = options.maxTokens() <= room ? Generation.Stop.MAX_TOKENS : Generation.Stop.CONTEXT_FULL;
        List<List<Integer>> out = new ArrayList<>(rows);
        for (int r = 0; r < rows; r++) {
            out.add(new ArrayList<>());
        }
        double[] logProb = new double[rows];
        Generation.Stop[] stop = new Generation.Stop[rows];
        TokenSampler greedy = new TokenSampler(0, 1, 0);
        try (NDManager root = generator.model().manager().newSubManager()) {
            Generator.Step step = generator.first(root, context, rows);
            try {
                for (int produced = 0; ; produced++) {
                    float[][] logits = step.lastLogits(); // [row][token]
                    int[] next = new int[rows];
                    boolean live = false;
                    for (int r = 0; r < rows; r++) {
                        if (stop[r] != null) {
                            next[r] = out.get(r).isEmpty() ? context[context.length - 1] : out.get(r).get(out.get(r).size() - 1);
                            continue;
                        }
                        int token = greedy.next(logits[r]);
                        logProb[r] += TokenSampler.logProb(logits[r], token);
                        next[r] = token;
                        if (token == generator.eosId()) {
                            stop[r] = Generation.Stop.EOS;
                            continue;
                        }
                        out.get(r).add(token);
                        if (generator.stopString(out.get(r), options) >= 0) {
                            stop[r] = Generation.Stop.STOP_STRING;
                            continue;
                        }
                        live = true;
                    }
                    if (!live || produced + 1 >= budget) {
                        break;
                    }
                    step = step.next(root, next, null);
                }
            } finally {
                step.close();
            }
        }
        List<Generation> generations = new ArrayList<>(rows);
        for (int r = 0; r < rows; r++) {
            int[] ids = out.get(r).stream().mapToInt(Integer::intValue).toArray();
            generations.add(new Generation(ids, generator.text(ids, options), stop[r] == null ? atBudget : stop[r],
                    logProb[r]));
        }
        return generations;
    }
}
