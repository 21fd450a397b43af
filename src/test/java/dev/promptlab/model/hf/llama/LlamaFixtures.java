package dev.promptlab.model.hf.llama;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptlab.model.Models;
import dev.promptlab.tensor.Rng;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Regenerates the golden llama-family fixtures under {@code src/test/resources/golden/}: for
 * llama-tiny, qwen2-tiny and the variants (llama3 and linear rope_scaling, an explicit head_dim,
 * a small rope_theta) a random checkpoint in the Hugging Face layout (saved by the Java
 * code), token id sequences, and the log-probabilities that the independent NumPy implementation
 * {@code tools/llama_reference.py} computes for them.
 *
 * <p>Run from the repository root (needs python3 with numpy):
 * <pre>
 * mvn -q test-compile
 * java -cp "target/classes:target/test-classes:$(mvn -q dependency:build-classpath -Dmdep.outputFile=/dev/stdout)" \
 *     -Dai.djl.offline=true dev.promptlab.model.hf.llama.LlamaFixtures
 * </pre>
 */
public final class LlamaFixtures {
    static final String MODEL = "model";
    static final String INPUTS = "inputs.json";
    static final String LOG_PROBS = "log_probs.json";
    /** Sequence lengths of the fixtures: short, shorter, longer (kept small so the files stay small). */
    static final int[] LENGTHS = {8, 3, 10};

    private LlamaFixtures() {}

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args.length > 0 ? args[0] : "src/test/resources/golden");
        try (NDManager manager = NDManager.newBaseManager()) {
            write(root.resolve("llama-tiny"), LlamaTiny.llamaJson(), manager, 20240611L, LENGTHS);
            write(root.resolve("qwen2-tiny"), LlamaTiny.qwen2Json(), manager, 20240612L, LENGTHS);
            writeVariants(root, manager);
        }
        System.out.println("wrote " + root.toAbsolutePath());
    }

    /** The configurations the live check also covers, so they are checked without python too. */
    static void writeVariants(Path root, NDManager manager) throws IOException, InterruptedException {
        write(root.resolve("llama3-rope-scaling"), LlamaTiny.llama3ScaledJson(), manager, 20240613L, LENGTHS);
        write(root.resolve("mistral-head-dim"), LlamaTiny.mistralHeadDimJson(), manager, 20240614L, LENGTHS);
        write(root.resolve("qwen2-rope-theta"), LlamaTiny.qwen2ThetaJson(), manager, 20240615L, LENGTHS);
    }

    /**
     * Saves a random model of {@code config} to {@code dir/model}, random sequences of the given
     * lengths to {@code dir/inputs.json}, and runs the reference into {@code dir/log_probs.json}.
     */
    static void write(Path dir, ObjectNode config, NDManager manager, long seed, int[] lengths)
            throws IOException, InterruptedException {
        Files.createDirectories(dir);
        try (Llama model = LlamaTiny.model(config, manager, seed)) {
            Models.save(model, dir.resolve(MODEL));
        }
        Rng rng = new Rng(seed + 1);
        ObjectNode root = LlamaTiny.JSON.createObjectNode();
        ArrayNode seqs = root.putArray("sequences");
        for (int len : lengths) {
            ArrayNode s = seqs.addArray();
            for (int i = 0; i < len; i++) {
                s.add(rng.nextInt(config.get("vocab_size").intValue()));
            }
        }
        Files.writeString(dir.resolve(INPUTS), LlamaTiny.JSON.writeValueAsString(root) + "\n");
        Process p = new ProcessBuilder("python3", "tools/llama_reference.py", dir.resolve(MODEL).toString(),
                dir.resolve(INPUTS).toString(), dir.resolve(LOG_PROBS).toString()).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IOException("tools/llama_reference.py failed: " + log);
        }
    }
}
