package dev.promptlab.study;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptlab.adapt.Adapter;
import dev.promptlab.adapt.MultiPrompt;
import dev.promptlab.eval.DecodingOptions;
import dev.promptlab.eval.Generation;
import dev.promptlab.eval.Generator;
import dev.promptlab.eval.Metric;
import dev.promptlab.eval.SharedPrefix;
import dev.promptlab.icl.Demonstration;
import dev.promptlab.icl.Episode;
import dev.promptlab.icl.PromptLayout;
import dev.promptlab.model.LoadedModel;
import dev.promptlab.tensor.AtomicFiles;
import dev.promptlab.tokenize.Tokenizer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One decoding run of the study: generations for a list of episodes (with a prompt or none),
 * their references, the metrics, and the predictions file anyone can re-score:
 * one {@code {"input", "reference", "prediction", "demos": [{"input", "score"}]}} per test example
 * (a demonstration's score is null when the retriever measures no similarity).
 *
 * @param predictions decoded continuations, cut at the answer's end
 * @param references the references as the model could write them ({@link Evaluation#comparableReference})
 */
record IclPredictions(List<Episode> episodes, List<String> predictions, List<String> references) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Greedy or beam decoding of every episode; the leading part all contexts share (the prompt,
     * the instruction, fixed demonstrations) is read once.
     */
    static IclPredictions decode(LoadedModel loaded, Adapter prompt, List<Episode> episodes, int newTokens, int beams) {
        Tokenizer tokenizer = loaded.tokenizer();
        Generator generator = new Generator(loaded.model(), prompt, tokenizer, tokenizer.eosId());
        List<int[]> contexts = episodes.stream().map(e -> e.encoded().context()).toList();
        List<String> predictions = new ArrayList<>(episodes.size());
        for (Generation g : SharedPrefix.generateAll(generator, contexts, options(newTokens, beams), true)) {
            predictions.add(g.text().trim());
        }
        return new IclPredictions(episodes, predictions, references(episodes, tokenizer));
    }

    /**
     * {@link #decode} for each of K prompts on the same episodes; greedy decoding runs the K
     * prompts as K rows of one batch (one forward per token for all seeds), which gives each
     * prompt's own generations.
     */
    static List<IclPredictions> decodeEach(LoadedModel loaded, List<Adapter> prompts, List<Episode> episodes,
            int newTokens, int beams) {
        List<IclPredictions> out = new ArrayList<>(prompts.size());
        if (beams > 1 || prompts.size() == 1) {
            for (Adapter p : prompts) {
                out.add(decode(loaded, p, episodes, newTokens, beams));
            }
            return out;
        }
        Tokenizer tokenizer = loaded.tokenizer();
        int k = prompts.size();
        MultiPrompt rows = new MultiPrompt(prompts, java.util.stream.IntStream.range(0, k).toArray());
        Generator generator = new Generator(loaded.model(), rows, tokenizer, tokenizer.eosId());
        List<int[]> contexts = episodes.stream().map(e -> e.encoded().context()).toList();
        List<List<Generation>> generations = SharedPrefix.greedyRows(generator, contexts, k, options(newTokens, 1), true);
        List<String> references = references(episodes, tokenizer);
        for (int row = 0; row < k; row++) {
            List<String> predictions = new ArrayList<>(episodes.size());
            for (List<Generation> g : generations) {
                predictions.add(g.get(row).text().trim());
            }
            out.add(new IclPredictions(episodes, predictions, references));
        }
        return out;
    }

    /** Stops at the end-of-sequence id, or where the layout would start a new block (a model that writes no EOS). */
    private static DecodingOptions options(int newTokens, int beams) {
        return new DecodingOptions(newTokens, 0, 1, beams, 1, List.of(PromptLayout.SEPARATOR), 0);
    }

    private static List<String> references(List<Episode> episodes, Tokenizer tokenizer) {
        List<String> references = new ArrayList<>(episodes.size());
        for (Episode e : episodes) {
            references.add(Evaluation.comparableReference(e.query().output(), e.encoded().target(), tokenizer));
        }
        return references;
    }

    /** Every metric's corpus score, by name, in the given order. */
    Map<String, Double> scores(List<Metric> metrics) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (Metric m : metrics) {
            out.put(m.label(), m.score(predictions, references));
        }
        return out;
    }

    /** Demonstrations left out of the layouts because the context overflowed. */
    int dropped() {
        return episodes.stream().mapToInt(Episode::dropped).sum();
    }

    /** Writes the predictions file (JSONL, atomically). */
    void write(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < episodes.size(); i++) {
            Episode e = episodes.get(i);
            ObjectNode line = JSON.createObjectNode();
            line.put("input", e.query().input());
            line.put("reference", references.get(i));
            line.put("prediction", predictions.get(i));
            ArrayNode demos = line.putArray("demos");
            for (Demonstration d : e.demonstrations()) {
                ObjectNode o = demos.addObject();
                o.put("input", d.example().input());
                if (Double.isNaN(d.score())) {
                    o.putNull("score");
                } else {
                    o.put("score", d.score());
                }
            }
            sb.append(JSON.writeValueAsString(line)).append('\n');
        }
        AtomicFiles.writeString(file, sb.toString());
    }

    /** A predictions file read back: per line its prediction and reference. */
    record Lines(List<String> predictions, List<String> references) {}

    static Lines read(Path file) throws IOException {
        List<String> p = new ArrayList<>();
        List<String> r = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            if (!line.isBlank()) {
                JsonNode n = JSON.readTree(line);
                p.add(n.get("prediction").asText());
                r.add(n.get("reference").asText());
            }
        }
        return new Lines(p, r);
    }
}
