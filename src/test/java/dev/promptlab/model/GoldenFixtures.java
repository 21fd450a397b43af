package dev.promptlab.model;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptlab.tensor.Rng;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Regenerates the golden GPT-2 fixture under {@code src/test/resources/golden/gpt2-tiny/}: a tiny
 * random checkpoint saved by the Java code, token id sequences, and the log-probabilities the
 * independent NumPy implementation ({@code tools/gpt2_reference.py}) computes for them.
 *
 * <p>Run from the repository root (needs python3 with numpy):
 * <pre>
 * mvn -q test-compile
 * java -cp "target/classes:target/test-classes:$(mvn -q dependency:build-classpath -Dmdep.outputFile=/dev/stdout)" \
 *     -Dai.djl.offline=true dev.promptlab.model.GoldenFixtures
 * </pre>
 */
public final class GoldenFixtures {
    static final long MODEL_SEED = 20240601L;
    static final long INPUT_SEED = 7L;
    static final String MODEL = "model";
    static final String INPUTS = "inputs.json";
    static final String LOG_PROBS = "log_probs.json";

    private GoldenFixtures() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "src/test/resources/golden/gpt2-tiny");
        try (NDManager manager = NDManager.newBaseManager()) {
            write(dir, manager, MODEL_SEED);
        }
        System.out.println("wrote " + dir.toAbsolutePath());
    }

    /** Saves the model to {@code dir/model}, the inputs to {@code dir/inputs.json}, runs the reference. */
    static void write(Path dir, NDManager manager, long modelSeed) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        try (Gpt model = TinyModels.gpt(manager, modelSeed)) {
            Models.save(model, dir.resolve(MODEL));
        }
        Files.writeString(dir.resolve(INPUTS), inputs(TinyModels.gptConfig()));
        runReference(dir.resolve(MODEL), dir.resolve(INPUTS), dir.resolve(LOG_PROBS));
    }

    /** Three sequences: 12 tokens, 5 tokens, and the full context (so the last position is n_positions - 1). */
    static String inputs(ModelConfig c) throws IOException {
        Rng rng = new Rng(INPUT_SEED);
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        ArrayNode seqs = root.putArray("sequences");
        for (int len : new int[] {12, 5, c.contextLength()}) {
            ArrayNode s = seqs.addArray();
            for (int i = 0; i < len; i++) {
                s.add(rng.nextInt(c.vocabSize()));
            }
        }
        return json.writeValueAsString(root) + "\n";
    }

    static void runReference(Path model, Path inputs, Path output) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("python3", Path.of("tools/gpt2_reference.py").toString(), model.toString(),
                inputs.toString(), output.toString()).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IOException("tools/gpt2_reference.py failed: " + log);
        }
    }
}
