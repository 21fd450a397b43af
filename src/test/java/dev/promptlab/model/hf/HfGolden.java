package dev.promptlab.model.hf;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptlab.model.Architecture;
import dev.promptlab.model.Architectures;
import dev.promptlab.model.LanguageModel;
import dev.promptlab.model.ModelConfig;
import dev.promptlab.model.ModelInput;
import dev.promptlab.model.Models;
import dev.promptlab.tensor.Rng;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;

/**
 * Golden fixtures of the Hugging Face architectures: a tiny random checkpoint saved by the Java
 * code in the HF layout, token sequences, and the log-probabilities an independent NumPy
 * implementation ({@code tools/<model_type>_reference.py}) computes for them.
 *
 * <p>The committed fixtures under {@code src/test/resources/golden/opt-tiny} and {@code
 * bloom-tiny} are regenerated from the repository root (needs python3 with numpy) with
 * <pre>
 * mvn -o -q test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -cp "target/classes:target/test-classes:$(cat target/cp.txt)" -Dai.djl.offline=true \
 *     dev.promptlab.model.hf.opt.OptGoldenTest     # likewise bloom.BloomGoldenTest
 * </pre>
 */
public final class HfGolden {
    public static final double TOLERANCE = 1e-4;
    public static final String MODEL = "model";
    public static final String INPUTS = "inputs.json";
    public static final String LOG_PROBS = "log_probs.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private HfGolden() {}

    /** Rewrites the committed fixture {@code src/test/resources/golden/<name>} (run from the repository root). */
    public static void regenerate(String name, ObjectNode configJson, Function<ModelConfig, Map<String, Shape>> shapes,
            long seed) throws IOException, InterruptedException {
        Path dir = Path.of("src/test/resources/golden", name);
        try (NDManager manager = NDManager.newBaseManager()) {
            write(dir, configJson, shapes, seed, manager);
        }
        System.out.println("wrote " + dir.toAbsolutePath());
    }

    /** Saves a random model to {@code dir/model}, token sequences to inputs.json, runs the reference. */
    public static void write(Path dir, ObjectNode configJson, Function<ModelConfig, Map<String, Shape>> shapes,
            long seed, NDManager manager) throws IOException, InterruptedException {
        Architecture arch = Architectures.byModelType(configJson.get("model_type").textValue());
        Files.createDirectories(dir);
        try (LanguageModel model = HfTestModels.random(arch, configJson, shapes, manager, seed)) {
            Models.save(model, dir.resolve(MODEL));
            Files.writeString(dir.resolve(INPUTS), inputs(model.config(), seed));
        }
        Path script = Path.of("tools", arch.modelType() + "_reference.py");
        Process p = new ProcessBuilder("python3", script.toString(), dir.resolve(MODEL).toString(),
                dir.resolve(INPUTS).toString(), dir.resolve(LOG_PROBS).toString()).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IOException(script + " failed: " + log);
        }
    }

    /** Three sequences: 12 tokens, 5 tokens, and the whole context length (the last position in use). */
    private static String inputs(ModelConfig c, long seed) throws IOException {
        Rng rng = new Rng(seed ^ 0x5eedL);
        ObjectNode root = JSON.createObjectNode();
        ArrayNode seqs = root.putArray("sequences");
        for (int len : new int[] {12, 5, c.contextLength()}) {
            ArrayNode s = seqs.addArray();
            for (int i = 0; i < len; i++) {
                s.add(rng.nextInt(c.vocabSize()));
            }
        }
        return JSON.writeValueAsString(root) + "\n";
    }

    /** Largest |log p_java - log p_reference| over every sequence, position and token of a fixture. */
    public static double maxDiff(Path fixture, NDManager manager) throws IOException {
        JsonNode seqs = JSON.readTree(fixture.resolve(INPUTS).toFile()).get("sequences");
        JsonNode expected = JSON.readTree(fixture.resolve(LOG_PROBS).toFile()).get("log_probs");
        if (seqs.size() != expected.size()) {
            throw new AssertionError(seqs.size() + " sequences but " + expected.size() + " reference rows");
        }
        double worst = 0;
        try (LanguageModel model = Models.load(fixture.resolve(MODEL), manager)) {
            for (int s = 0; s < seqs.size(); s++) {
                long[] ids = JSON.convertValue(seqs.get(s), long[].class);
                double[][] ref = JSON.convertValue(expected.get(s), double[][].class);
                if (ref.length != ids.length) {
                    throw new AssertionError("sequence " + s + " has " + ids.length + " tokens but " + ref.length
                            + " reference positions");
                }
                try (NDManager step = manager.newSubManager()) {
                    NDArray logits = model.forward(ModelInput.ofIds(step.create(ids, new Shape(1, ids.length))))
                            .logits(); // (1, T, V)
                    float[] lp = logits.logSoftmax(-1).toFloatArray(); // (1, T, V) flattened
                    int v = model.vocabSize();
                    for (int i = 0; i < lp.length; i++) {
                        worst = Math.max(worst, Math.abs(lp[i] - ref[i / v][i % v]));
                    }
                }
            }
        }
        return worst;
    }

    /**
     * Lets a live reference check run: returns when python3 with numpy is here; otherwise skips
     * the test, or fails it when the {@code CI} environment variable is set (a CI machine must
     * run every reference check, not pass by skipping them). The committed fixtures of every
     * configuration are checked either way.
     */
    public static void requireNumpy() {
        if (pythonWithNumpy()) {
            return;
        }
        if (System.getenv("CI") != null) {
            org.junit.jupiter.api.Assertions.fail("CI is set but python3 with numpy is not on the PATH: the live NumPy"
                    + " reference checks cannot run (install numpy, or unset CI to skip them)");
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(false,
                "python3 with numpy is not on the PATH: live reference check skipped (committed fixtures still checked)");
    }

    /** Whether {@code python3 -c "import numpy"} works here. */
    public static boolean pythonWithNumpy() {
        try {
            Process p = new ProcessBuilder("python3", "-c", "import numpy").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The committed fixture directory {@code src/test/resources/golden/<name>}. */
    public static Path committed(String name) {
        try {
            return Path.of(HfGolden.class.getResource("/golden/" + name + "/" + INPUTS).toURI()).getParent();
        } catch (java.net.URISyntaxException | NullPointerException e) {
            throw new AssertionError("no committed golden fixture '" + name + "' on the test classpath", e);
        }
    }
}
