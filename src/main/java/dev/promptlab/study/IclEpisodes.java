package dev.promptlab.study;

import dev.promptlab.icl.Bm25Retriever;
import dev.promptlab.icl.Demonstration;
import dev.promptlab.icl.EmbeddingRetriever;
import dev.promptlab.icl.Episode;
import dev.promptlab.icl.EpisodeEncoder;
import dev.promptlab.icl.PromptLayout;
import dev.promptlab.icl.RandomRetriever;
import dev.promptlab.icl.Retriever;
import dev.promptlab.model.LoadedModel;
import dev.promptlab.task.Example;
import dev.promptlab.tensor.Rng;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The episodes of one task for one model: every method's layout of the training examples (for
 * training its prompt) and of the test examples (for decoding), with the demonstrations each
 * method shows. Training examples retrieve from the other training examples, never themselves;
 * test examples retrieve from the whole training set. Deterministic retrieval (BM25, embedding)
 * is computed once per query for the largest k and cut for smaller k (the same ranking). The
 * embedding retriever embeds with the frozen model alone, never with a prompt.
 */
final class IclEpisodes implements AutoCloseable {
    /** Test inputs embedded per forward pass. */
    private static final int EMBED_BATCH = 32;

    private final LoadedModel loaded;
    private final IclTask.Loaded data;
    private final PromptLayout layout;
    private final int maxShots;
    private final long fixedSeed;
    private final int newTokens;
    private Bm25Retriever bm25;
    private EmbeddingRetriever embedding;
    private final Map<String, List<List<Demonstration>>> ranked = new HashMap<>();

    /**
     * @param fixedSeed seeds IPT-fixed's one set of demonstrations
     * @param newTokens room every decoding episode leaves for the answer
     */
    IclEpisodes(LoadedModel loaded, IclTask.Loaded data, int maxShots, long fixedSeed, int newTokens) {
        this.loaded = loaded;
        this.data = data;
        int eos = loaded.tokenizer().eosId();
        // demonstrations end like the built-in models' pretraining episodes: with the end-of-sequence token
        this.layout = new PromptLayout(data.template(), data.instruction(), eos >= 0 ? loaded.tokenizer().token(eos) : null);
        this.maxShots = maxShots;
        this.fixedSeed = fixedSeed;
        this.newTokens = newTokens;
    }

    int newTokens() {
        return newTokens;
    }

    /** The training episodes of a trained method's prompt of {@code virtual} tokens (IPT-fixed: without its fixed set). */
    List<Episode> training(IclMethod method, int k, IclRetrieval retrieval, long seed, int virtual) {
        EpisodeEncoder encoder = encoder(virtual);
        List<Example> pool = data.train();
        List<Integer> fixed = method == IclMethod.IPT_FIXED ? fixedIndices(k) : List.of();
        List<List<Demonstration>> demos = method == IclMethod.IPT ? trainingDemos(retrieval, k, seed) : null;
        List<Episode> out = new ArrayList<>(pool.size());
        for (int i = 0; i < pool.size(); i++) {
            if (fixed.contains(i)) {
                continue; // a fixed demonstration would show its own answer
            }
            List<Demonstration> shown = method == IclMethod.PT ? List.of()
                    : method == IclMethod.IPT_FIXED ? fixedDemos(k) : demos.get(i);
            out.add(encoder.training(pool.get(i), shown));
        }
        return out;
    }

    /** The test episodes of {@code method} with k demonstrations (PT: none) after {@code virtual} prompt tokens. */
    List<Episode> test(IclMethod method, int k, IclRetrieval retrieval, long seed, int virtual) {
        List<List<Demonstration>> demos = switch (method) {
            case PT -> null;
            case IPT_FIXED -> null;
            case ICL_RANDOM -> testDemos(IclRetrieval.RANDOM, k, seed);
            case ICL_BM25 -> testDemos(IclRetrieval.BM25, k, seed);
            case ICL_EMBEDDING -> testDemos(IclRetrieval.EMBEDDING, k, seed);
            case IPT -> testDemos(retrieval, k, seed);
        };
        EpisodeEncoder encoder = encoder(virtual);
        List<Episode> out = new ArrayList<>(data.test().size());
        for (int i = 0; i < data.test().size(); i++) {
            List<Demonstration> shown = method == IclMethod.PT ? List.of()
                    : method == IclMethod.IPT_FIXED ? fixedDemos(k) : demos.get(i);
            out.add(encoder.decoding(data.test().get(i), shown, newTokens));
        }
        return out;
    }

    /** The test episodes with k demonstrations retrieved by {@code retrieval} (the transfer matrix's). */
    List<Episode> test(IclRetrieval retrieval, int k, long seed, int virtual) {
        return test(IclMethod.IPT, k, retrieval, seed, virtual);
    }

    /** Per test input, the embedding cosine of its nearest training example: what the similarity bins split on. */
    double[] topSimilarity() {
        List<List<Demonstration>> top = testDemos(IclRetrieval.EMBEDDING, 1, 0);
        return top.stream().mapToDouble(d -> d.get(0).score()).toArray();
    }

    private EpisodeEncoder encoder(int virtual) {
        return new EpisodeEncoder(layout, loaded.tokenizer(), loaded.model().config().contextLength(), virtual);
    }

    /** IPT-fixed's set: k training examples drawn once (seeded by the study), the same for every input and seed. */
    private List<Integer> fixedIndices(int k) {
        int[] order = new Rng(fixedSeed).permutation(data.train().size());
        List<Integer> out = new ArrayList<>(k);
        for (int i = 0; i < k; i++) {
            out.add(order[i]);
        }
        return out;
    }

    private List<Demonstration> fixedDemos(int k) {
        List<Demonstration> out = new ArrayList<>(k);
        for (int i : fixedIndices(k)) {
            out.add(new Demonstration(data.train().get(i), i, Double.NaN));
        }
        return out;
    }

    private List<List<Demonstration>> trainingDemos(IclRetrieval retrieval, int k, long seed) {
        List<Example> pool = data.train();
        if (retrieval == IclRetrieval.RANDOM) {
            RandomRetriever random = new RandomRetriever(pool, seed);
            List<List<Demonstration>> out = new ArrayList<>(pool.size());
            for (int i = 0; i < pool.size(); i++) {
                out.add(random.retrieve(pool.get(i), i, k));
            }
            return out;
        }
        List<List<Demonstration>> all = ranked.computeIfAbsent("train/" + retrieval, r -> {
            Retriever retriever = retriever(retrieval);
            List<List<Demonstration>> lists = new ArrayList<>(pool.size());
            for (int i = 0; i < pool.size(); i++) {
                lists.add(retriever.retrieve(pool.get(i), i, maxShots));
            }
            return lists;
        });
        return cut(all, k);
    }

    private List<List<Demonstration>> testDemos(IclRetrieval retrieval, int k, long seed) {
        List<Example> test = data.test();
        if (retrieval == IclRetrieval.RANDOM) {
            RandomRetriever random = new RandomRetriever(data.train(), seed);
            return test.stream().map(q -> random.retrieve(q, -1, k)).toList();
        }
        List<List<Demonstration>> all = ranked.computeIfAbsent("test/" + retrieval, r -> retrieval == IclRetrieval.EMBEDDING
                ? embedding().retrieveOutside(test, maxShots)
                : test.stream().map(q -> bm25().retrieve(q, -1, maxShots)).toList());
        return cut(all, k);
    }

    private static List<List<Demonstration>> cut(List<List<Demonstration>> lists, int k) {
        return lists.stream().map(l -> l.subList(0, k)).toList();
    }

    private Retriever retriever(IclRetrieval retrieval) {
        return retrieval == IclRetrieval.BM25 ? bm25() : embedding();
    }

    private Bm25Retriever bm25() {
        if (bm25 == null) {
            bm25 = new Bm25Retriever(data.train());
        }
        return bm25;
    }

    private EmbeddingRetriever embedding() {
        if (embedding == null) {
            embedding = new EmbeddingRetriever(loaded.model(), loaded.tokenizer(), data.train(), EMBED_BATCH);
        }
        return embedding;
    }

    @Override
    public void close() {
        if (bm25 != null) {
            bm25.close();
        }
    }
}
