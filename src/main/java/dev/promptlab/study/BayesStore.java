package dev.promptlab.study;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptlab.model.InputVectorModel;
import dev.promptlab.tensor.Safetensors;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Bayesian study's finished work, so that a resumed study repeats none of it: in
 * {@code RUN/cells.jsonl} (a {@link CellStore}) one cell per method on one network variant and
 * target, one per exact predictor and target (shared by every network, as in an uninterrupted
 * run), and one per meta-trained network with its meta-training figures, whose weights are in
 * {@code RUN/networks/NAME.safetensors}, written before its cell. Results are stored with every
 * digit of their regret curves, so a report made from stored results equals one made from results
 * in memory.
 */
final class BayesStore {
    static final String FILE = "cells.jsonl";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final CellStore cells;
    private final Path dir; // null: in memory

    private BayesStore(CellStore cells, Path dir) {
        this.cells = cells;
        this.dir = dir;
    }

    /** A store that writes nothing: a study run without a directory. */
    static BayesStore inMemory() {
        return new BayesStore(CellStore.inMemory(), null);
    }

    /** The store of run directory {@code dir}, with what an earlier run of it finished. */
    static BayesStore open(Path dir) throws IOException {
        return new BayesStore(CellStore.open(dir.resolve(FILE)), dir);
    }

    /** Whether nothing is stored yet. */
    boolean isEmpty() {
        return cells.all().isEmpty();
    }

    /** The key of a method's cell on one network variant and target. */
    static String key(String network, boolean pretrained, String target, BayesMethod method) {
        return network + "/" + (pretrained ? "pretrained" : "untrained") + "/" + target + "/" + method.label();
    }

    /** The key of an exact predictor's cell on a target (the same for every network). */
    static String exactKey(String target, BayesMethod method) {
        return "exact/" + target + "/" + method.label();
    }

    /** A stored result, if its cell finished. */
    Optional<BayesResult> result(String key) {
        List<ObjectNode> lines = cells.lines(key);
        return lines.isEmpty() ? Optional.empty() : Optional.of(fromJson(lines.get(0)));
    }

    void putResult(String key, BayesResult r) throws IOException {
        cells.append(key, List.of(toJson(r)));
    }

    /** A meta-trained network's figures, if its meta-training finished. */
    Optional<BayesStudy.PretrainingReport> pretraining(String network) {
        List<ObjectNode> lines = cells.lines("pretraining/" + network);
        if (lines.isEmpty()) {
            return Optional.empty();
        }
        JsonNode o = lines.get(0);
        return Optional.of(new BayesStudy.PretrainingReport(network, o.get("steps").asInt(), number(o.get("final_loss")),
                number(o.get("kl_before")), number(o.get("kl_after")), number(o.get("seconds"))));
    }

    /** Stores a meta-trained network: its weights, then its figures (which mark it finished). */
    void putPretraining(BayesStudy.PretrainingReport report, InputVectorModel model) throws IOException {
        saveNetwork(report.network(), model);
        ObjectNode o = JSON.createObjectNode();
        o.put("steps", report.steps());
        o.put("final_loss", report.finalLoss());
        o.put("kl_before", report.klBefore());
        o.put("kl_after", report.klAfter());
        o.put("seconds", report.seconds());
        cells.append("pretraining/" + report.network(), List.of(o));
    }

    /** Saves a meta-trained network's weights (again, when the file went missing). */
    void saveNetwork(String network, InputVectorModel model) throws IOException {
        if (dir != null) {
            Safetensors.write(networkFile(network), model.parameters(), Map.of());
        }
    }

    /**
     * The meta-trained network, a copy of {@code init} with the stored weights (none requiring a
     * gradient), or null when its weights are not stored.
     */
    InputVectorModel network(String network, InputVectorModel init, NDManager root) throws IOException {
        if (dir == null || !Files.isRegularFile(networkFile(network))) {
            return null;
        }
        InputVectorModel copy = init.copy(root);
        try (NDManager scope = root.newSubManager()) {
            Map<String, NDArray> saved = Safetensors.read(networkFile(network), scope);
            for (Map.Entry<String, NDArray> e : copy.parameters().entrySet()) {
                NDArray s = saved.get(e.getKey());
                if (s == null || !s.getShape().equals(e.getValue().getShape())) {
                    throw new IllegalArgumentException(networkFile(network) + ": weight '" + e.getKey() + "' is missing"
                            + " or has another shape; delete the file to meta-train the network again");
                }
                e.getValue().set(s.toFloatArray());
            }
        } catch (IOException | RuntimeException e) {
            copy.close();
            throw e;
        }
        return copy;
    }

    private Path networkFile(String network) {
        return dir.resolve("networks").resolve(network + ".safetensors");
    }

    private static ObjectNode toJson(BayesResult r) {
        ObjectNode o = JSON.createObjectNode();
        o.put("network", r.network());
        o.put("pretrained", r.pretrained());
        o.put("target", r.target());
        o.put("method", r.method().name());
        ArrayNode curves = o.putArray("curves");
        for (double[] c : r.curves()) {
            ArrayNode row = curves.addArray();
            for (double v : c) {
                row.add(v); // written as Java's shortest round-trip form (NaN and infinities as strings)
            }
        }
        if (r.prefix() != null) {
            o.put("prefix", r.prefix());
        }
        o.put("seconds", r.seconds());
        return o;
    }

    private static BayesResult fromJson(JsonNode o) {
        JsonNode curves = o.get("curves");
        double[][] c = new double[curves.size()][];
        for (int r = 0; r < c.length; r++) {
            JsonNode row = curves.get(r);
            c[r] = new double[row.size()];
            for (int i = 0; i < c[r].length; i++) {
                c[r][i] = number(row.get(i));
            }
        }
        return new BayesResult(o.get("network").asText(), o.get("pretrained").asBoolean(), o.get("target").asText(),
                BayesMethod.valueOf(o.get("method").asText()), c, o.hasNonNull("prefix") ? o.get("prefix").asText() : null,
                number(o.get("seconds")));
    }

    /** A number as written: NaN and the infinities come back from their string form. */
    private static double number(JsonNode n) {
        return n.isTextual() ? Double.parseDouble(n.asText()) : n.asDouble();
    }
}
