package dev.promptlab.adapt;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.promptlab.analysis.Projection;
import dev.promptlab.model.GptArchitecture;
import dev.promptlab.model.LanguageModel;
import dev.promptlab.model.ModelConfig;
import dev.promptlab.model.ModelInput;
import dev.promptlab.tensor.Rng;
import dev.promptlab.tensor.Safetensors;
import dev.promptlab.tokenize.WordTokenizer;
import dev.promptlab.train.AdapterObjective;
import dev.promptlab.train.Batch;
import dev.promptlab.train.BatchSource;
import dev.promptlab.train.Checkpoint;
import dev.promptlab.train.Checkpointer;
import dev.promptlab.train.StepInfo;
import dev.promptlab.train.TrainConfig;
import dev.promptlab.train.TrainListener;
import dev.promptlab.train.Trainer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class SoftPromptTest {
    private static final List<String> WORDS = List.of("the", "cat", "sat", "on", "mat", "a", "dog", "ran", "far",
            "away", "big", "red", "ball", "is", "here", "and", "there", "it", "was", "good");

    @TempDir
    Path dir;
    private NDManager root;
    private WordTokenizer tokenizer;
    private LanguageModel model;

    @BeforeEach
    void setUp() {
        root = NDManager.newBaseManager();
        tokenizer = WordTokenizer.ofWords(WORDS);
        model = tinyGpt(tokenizer.vocabSize(), 16, 1);
    }

    @AfterEach
    void tearDown() {
        model.close();
        root.close();
    }

    private LanguageModel tinyGpt(int vocab, int hidden, long seed) {
        ModelConfig c = new ModelConfig("gpt", vocab, 32, hidden, 2, 2, 4 * hidden, 1e-5, 1, 2);
        return new GptArchitecture().init(c, root, new Rng(seed));
    }

    private static int[][] windows(long seed, int vocab) {
        Rng rng = new Rng(seed);
        int[][] w = new int[4][7];
        for (int[] row : w) {
            for (int i = 0; i < row.length; i++) {
                row[i] = 4 + rng.nextInt(vocab - 4);
            }
        }
        return w;
    }

    private SoftPrompt prompt(SoftPromptConfig.Init init, String text, int length) {
        return SoftPrompt.create(new SoftPromptConfig(length, init, text), model, tokenizer, new Rng(5));
    }

    private float[] logits(SoftPrompt p, int[][] w) {
        try (NDManager scope = root.newSubManager()) {
            return AdapterObjective.logits(model, p, Batch.ofWindows(w, scope).ids()).toFloatArray();
        }
    }

    @Test
    void trainsOnlyThePromptAndLeavesTheBackboneByteIdentical() {
        try (SoftPrompt p = prompt(SoftPromptConfig.Init.SAMPLE_VOCAB, null, 6)) {
            assertEquals(6L * 16, p.trainableCount(), "P x C trainable parameters");
            assertEquals(List.of("prompt_embeddings"), List.copyOf(p.parameters().keySet()));
            Map<String, byte[]> before = MethodModels.weightBytes(model);
            float[] promptBefore = p.embeddings().toFloatArray();
            int[][] w = windows(3, tokenizer.vocabSize());
            List<Double> losses = new java.util.ArrayList<>();
            Trainer t = new Trainer(new TrainConfig(30, 4, 0.05, 0, 0, 1.0, 0, 1, 0), p.parameters(),
                    new AdapterObjective(model, p), MethodModels.fixed(w), root);
            t.addListener((info, tr) -> losses.add(info.loss()));
            t.run();
            // a fresh GPT-2 init (weights ~0.02) predicts almost uniformly, so a prompt can move the
            // loss only a little; it must still fall, far beyond float noise (~1e-6)
            assertTrue(losses.get(losses.size() - 1) < losses.get(0) - 1e-3, "loss falls: " + losses);
            assertFalse(Arrays.equals(promptBefore, p.embeddings().toFloatArray()), "the prompt moved");
            Map<String, byte[]> after = MethodModels.weightBytes(model);
            for (String name : before.keySet()) {
                assertArrayEquals(before.get(name), after.get(name), "backbone weight " + name + " changed");
                assertFalse(model.parameters().get(name).hasGradient(), name + " must not require gradients");
            }
        }
    }

    @Test
    void saveThenLoadGivesIdenticalLogitsAndPeftFiles() throws IOException {
        int[][] w = windows(4, tokenizer.vocabSize());
        try (SoftPrompt p = prompt(SoftPromptConfig.Init.TEXT, "the big red ball", 6)) {
            float[] expected = logits(p, w);
            Path adapterDir = dir.resolve("adapter");
            AdapterFile.save(p, model, adapterDir, "tiny");
            Safetensors.Header header = Safetensors.readHeader(adapterDir.resolve(AdapterFile.WEIGHTS));
            assertEquals(List.of("prompt_embeddings"), List.copyOf(header.tensors().keySet()));
            assertArrayEquals(new long[] {6, 16}, header.tensors().get("prompt_embeddings").shape());
            assertEquals(Safetensors.Dtype.F32, header.tensors().get("prompt_embeddings").dtype());
            JsonNode config = new ObjectMapper().readTree(adapterDir.resolve(AdapterFile.CONFIG).toFile());
            assertEquals("PROMPT_TUNING", config.get("peft_type").asText());
            assertEquals("CAUSAL_LM", config.get("task_type").asText());
            assertEquals(6, config.get("num_virtual_tokens").asInt());
            assertEquals(16, config.get("token_dim").asInt());
            assertEquals(1, config.get("num_transformer_submodules").asInt());
            assertEquals("TEXT", config.get("prompt_tuning_init").asText());
            assertEquals("the big red ball", config.get("prompt_tuning_init_text").asText());
            try (Adapter loaded = AdapterFile.load(adapterDir, model)) {
                assertEquals(6, loaded.virtualTokens());
                assertArrayEquals(expected, logits((SoftPrompt) loaded, w));
            }
        }
    }

    @Test
    void textInitialisedPromptProjectsBackToItsText() {
        try (SoftPrompt p = prompt(SoftPromptConfig.Init.TEXT, "the cat sat on the mat", 6)) {
            int[] projected = Projection.project(p.embeddings(), model.inputEmbeddings(), Projection.Metric.L2);
            assertEquals("the cat sat on the mat", tokenizer.decode(projected));
        }
        // PEFT semantics: a short text is repeated to fill P, a long one is cut
        try (SoftPrompt p = prompt(SoftPromptConfig.Init.TEXT, "big dog", 5)) {
            int[] projected = Projection.project(p.embeddings(), model.inputEmbeddings(), Projection.Metric.COSINE);
            assertEquals("big dog big dog big", tokenizer.decode(projected));
        }
        try (SoftPrompt p = prompt(SoftPromptConfig.Init.TEXT, "a dog ran far away and it was good", 3)) {
            assertEquals("a dog ran", tokenizer.decode(Projection.project(p.embeddings(), model.inputEmbeddings(),
                    Projection.Metric.L2)));
        }
    }

    @Test
    void anAdapterForAnotherModelIsRefusedWithTheReason() throws IOException {
        Path adapterDir = dir.resolve("adapter");
        try (SoftPrompt p = prompt(SoftPromptConfig.Init.RANDOM, null, 4)) {
            AdapterFile.save(p, model, adapterDir, "tiny");
        }
        try (LanguageModel wider = tinyGpt(tokenizer.vocabSize(), 24, 2)) {
            AdapterException e = assertThrows(AdapterException.class, () -> AdapterFile.load(adapterDir, wider));
            assertTrue(e.getMessage().contains("hidden size 16") && e.getMessage().contains("24"), e.getMessage());
        }
        try (LanguageModel otherVocab = tinyGpt(tokenizer.vocabSize() + 7, 16, 2)) {
            AdapterException e = assertThrows(AdapterException.class, () -> AdapterFile.load(adapterDir, otherVocab));
            assertTrue(e.getMessage().contains("vocabulary size"), e.getMessage());
        }
        Files.writeString(adapterDir.resolve(AdapterFile.CONFIG), "{\"peft_type\": \"IA3\"}");
        AdapterException e = assertThrows(AdapterException.class, () -> AdapterFile.load(adapterDir, model));
        assertTrue(e.getMessage().contains("IA3") && e.getMessage().contains("PROMPT_TUNING"), e.getMessage());
    }

    @Test
    void promptOnlyChangesTheSequenceItPrecedes() {
        try (SoftPrompt p = prompt(SoftPromptConfig.Init.RANDOM, null, 3); NDManager scope = root.newSubManager()) {
            NDArray ids = scope.create(new long[] {5, 6, 7, 8}, new Shape(1, 4));
            ModelInput in = p.apply(ModelInput.ofIds(ids), model);
            assertEquals(new Shape(1, 7, 16), in.embeddings().getShape());
            // the last 4 rows are exactly the token embeddings
            assertArrayEquals(model.embed(ids).toFloatArray(),
                    in.embeddings().get(":, 3:, :").toFloatArray());
            assertArrayEquals(p.embeddings().toFloatArray(), in.embeddings().get(":, :3, :").toFloatArray());
        }
    }

    /** Native memory stays flat: no step leaves arrays on the model's, prompt's or optimizer's managers. */
    @Test
    void trainingAndScoringLeaveNoArraysBehind() {
        int[][] w = windows(8, tokenizer.vocabSize());
        try (SoftPrompt p = prompt(SoftPromptConfig.Init.SAMPLE_VOCAB, null, 4)) {
            List<Integer> live = new java.util.ArrayList<>();
            Trainer t = new Trainer(new TrainConfig(12, 4, 0.05, 0, 0.01, 1.0, 0, 1, 0), p.parameters(),
                    new AdapterObjective(model, p), MethodModels.fixed(w), root);
            t.addListener((info, tr) -> live.add(root.getManagedArrays().size()));
            t.run();
            assertEquals(1, live.stream().distinct().count(), "arrays alive after each step: " + live);
            int before = root.getManagedArrays().size();
            logits(p, w);
            new dev.promptlab.eval.SequenceScorer(model, p, 2, 0).meanNll(List.of(
                    new dev.promptlab.task.EncodedExample(new int[] {1, 5, 6}, new int[] {7, 8})));
            assertEquals(before, root.getManagedArrays().size(), "scoring left arrays behind");
        }
    }

    /** Two identical runs, the second with the collector forced between steps, agree bit for bit. */
    @Test
    void trainingIsDeterministicEvenWhenTheGarbageCollectorRuns() {
        int[][] w = windows(6, tokenizer.vocabSize());
        float[][] results = new float[2][];
        for (int run = 0; run < 2; run++) {
            try (SoftPrompt p = prompt(SoftPromptConfig.Init.SAMPLE_VOCAB, null, 4)) {
                Trainer t = new Trainer(new TrainConfig(25, 4, 0.05, 0, 0, 1.0, 0, 1, 0), p.parameters(),
                        new AdapterObjective(model, p), MethodModels.fixed(w), root);
                if (run == 1) {
                    t.addListener((info, tr) -> System.gc());
                }
                t.run();
                results[run] = p.embeddings().toFloatArray();
            }
        }
        assertArrayEquals(results[0], results[1]);
    }

    /** Stopping at a checkpoint and resuming gives exactly the parameters of an uninterrupted run. */
    @Test
    void resumeFromCheckpointIsExact() throws IOException {
        int[][] w = windows(7, tokenizer.vocabSize());
        TrainConfig config = new TrainConfig(20, 4, 0.05, 3, 0.01, 1.0, 0, 1, 10);
        float[] uninterrupted;
        Path saved = dir.resolve("at10");
        try (SoftPrompt p = prompt(SoftPromptConfig.Init.SAMPLE_VOCAB, null, 4)) {
            Trainer t = new Trainer(config, p.parameters(), new AdapterObjective(model, p), MethodModels.fixed(w), root);
            Path ckpt = dir.resolve("checkpoint");
            t.addListener(new Checkpointer(ckpt, 10));
            t.addListener(new TrainListener() {
                @Override
                public void onStep(StepInfo info, Trainer tr) {
                    if (info.step() == 10) {
                        copy(ckpt, saved);
                    }
                }
            });
            t.run();
            uninterrupted = p.embeddings().toFloatArray();
        }
        try (SoftPrompt p = prompt(SoftPromptConfig.Init.RANDOM, null, 4); NDManager scope = root.newSubManager()) {
            Trainer t = new Trainer(config, p.parameters(), new AdapterObjective(model, p), MethodModels.fixed(w), root);
            t.restore(Checkpoint.load(saved, scope));
            assertEquals(10, t.step());
            t.run();
            assertEquals(20, t.step());
            assertArrayEquals(uninterrupted, p.embeddings().toFloatArray());
        }
    }

    private static void copy(Path from, Path to) {
        try {
            Files.createDirectories(to);
            try (var files = Files.list(from)) {
                for (Path f : files.toList()) {
                    Files.copy(f, to.resolve(f.getFileName()));
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
