package dev.promptlab.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptlab.adapt.SoftPrompt;
import dev.promptlab.adapt.SoftPromptConfig;
import dev.promptlab.eval.DecodingOptions;
import dev.promptlab.eval.Generation;
import dev.promptlab.eval.Generator;
import dev.promptlab.eval.SharedPrefix;
import dev.promptlab.icl.Demonstration;
import dev.promptlab.icl.EpisodeEncoder;
import dev.promptlab.icl.PromptLayout;
import dev.promptlab.model.LoadedModel;
import dev.promptlab.study.ModelSource;
import dev.promptlab.task.Example;
import dev.promptlab.task.builtin.wordnet.BuiltinTask;
import dev.promptlab.task.builtin.wordnet.BuiltinTasks;
import dev.promptlab.task.builtin.wordnet.Split;
import dev.promptlab.tensor.Rng;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * What reusing a shared leading part buys in decoding: the wall time of decoding a set of test
 * inputs whose contexts share their first tokens (PT: soft prompt + instruction; IPT-fixed: soft
 * prompt + instruction + fixed demonstrations), reading that part once against reading every
 * context whole, greedy and beam, and whether both give the same generations.
 */
public final class SharedPrefixBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PROMPT = 25;
    private static final int SHOTS = 3;
    private static final int INPUTS = 16;
    private static final int NEW_TOKENS = 16;

    private SharedPrefixBench() {}

    /**
     * The figures on {@code model} with built-in {@code task}'s test inputs, as the section's JSON;
     * one line per case goes to {@code out}.
     */
    public static ObjectNode run(String model, String task, int runs, int warmup, Consumer<String> out)
            throws IOException {
        ObjectNode o = JSON.createObjectNode();
        o.put("setup", model + ", builtin:" + task + ", soft prompt P=" + PROMPT + " (random), " + INPUTS
                + " test inputs, " + NEW_TOKENS + " new tokens, medians of " + runs + " runs");
        ArrayNode cases = o.putArray("cases");
        try (LoadedModel loaded = ModelSource.load(model);
                SoftPrompt prompt = SoftPrompt.create(new SoftPromptConfig(PROMPT, SoftPromptConfig.Init.SAMPLE_VOCAB,
                        null), loaded.model(), loaded.tokenizer(), new Rng(1))) {
            BuiltinTask t = BuiltinTasks.get(task);
            List<Example> queries = t.examples(Split.TEST).subList(0, INPUTS);
            List<Demonstration> fixed = new ArrayList<>();
            for (int i = 0; i < SHOTS; i++) {
                fixed.add(new Demonstration(t.examples(Split.TRAIN).get(i), i, Double.NaN));
            }
            PromptLayout layout = new PromptLayout(t.spec().template(), t.instruction(),
                    loaded.tokenizer().token(loaded.tokenizer().eosId()));
            EpisodeEncoder encoder = new EpisodeEncoder(layout, loaded.tokenizer(), loaded.model().config().contextLength(),
                    PROMPT);
            Generator generator = new Generator(loaded.model(), prompt, loaded.tokenizer(), -1); // full budget every time
            for (boolean demos : new boolean[] {false, true}) {
                List<int[]> contexts = queries.stream().map(q -> encoder.decoding(q, demos ? fixed : List.of(), NEW_TOKENS)
                        .encoded().context()).toList();
                for (int beams : new int[] {1, 4}) {
                    DecodingOptions options = new DecodingOptions(NEW_TOKENS, 0, 1, beams, 1, List.of(), 0);
                    ObjectNode c = cases.addObject();
                    c.put("layout", demos ? "ipt-fixed (prompt + instruction + " + SHOTS + " demonstrations)"
                            : "pt (prompt + instruction)");
                    c.put("decoding", beams == 1 ? "greedy" : beams + " beams");
                    c.put("shared_tokens", SharedPrefix.length(contexts) + PROMPT);
                    c.put("context_tokens_mean", contexts.stream().mapToInt(x -> x.length).average().orElse(0) + PROMPT);
                    List<List<Generation>> results = new ArrayList<>();
                    Benchmarks.Timing whole = time(() -> results.add(SharedPrefix.generateAll(generator, contexts, options,
                            false)), runs, warmup);
                    Benchmarks.Timing reused = time(() -> results.add(SharedPrefix.generateAll(generator, contexts, options,
                            true)), runs, warmup);
                    c.put("recompute_seconds_median", whole.median());
                    c.put("reuse_seconds_median", reused.median());
                    c.put("speedup", whole.median() / reused.median());
                    c.put("same_generations", same(results.get(0), results.get(results.size() - 1)));
                    out.accept(String.format("shared prefix, %s, %s: %d of %.0f context positions shared; %.3f s whole,"
                            + " %.3f s reusing (%.2fx), same generations: %s", c.get("layout").asText(),
                            c.get("decoding").asText(), c.get("shared_tokens").asInt(),
                            c.get("context_tokens_mean").asDouble(), whole.median(), reused.median(),
                            c.get("speedup").asDouble(), c.get("same_generations").asBoolean()));
                }
            }
        }
        return o;
    }

    private static Benchmarks.Timing time(Runnable body, int runs, int warmup) {
        List<Double> seconds = new ArrayList<>();
        for (int i = 0; i < warmup + runs; i++) {
            long start = System.nanoTime();
            body.run();
            if (i >= warmup) {
                seconds.add((System.nanoTime() - start) / 1e9);
            }
        }
        return Benchmarks.Timing.of(seconds);
    }

    private static boolean same(List<Generation> a, List<Generation> b) {
        for (int i = 0; i < a.size(); i++) {
            if (!Arrays.equals(a.get(i).ids(), b.get(i).ids())) {
                return false;
            }
        }
        return true;
    }
}
