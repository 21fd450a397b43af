package dev.promptlab.fuzz;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import dev.promptlab.adapt.Adapter;
import dev.promptlab.adapt.AdapterException;
import dev.promptlab.adapt.AdapterFile;
import dev.promptlab.adapt.Lora;
import dev.promptlab.adapt.LoraConfig;
import dev.promptlab.adapt.PTuning;
import dev.promptlab.adapt.PTuningConfig;
import dev.promptlab.adapt.PrefixConfig;
import dev.promptlab.adapt.PrefixTuning;
import dev.promptlab.adapt.SoftPrompt;
import dev.promptlab.adapt.SoftPromptConfig;
import dev.promptlab.model.Architectures;
import dev.promptlab.model.LanguageModel;
import dev.promptlab.model.ModelConfig;
import dev.promptlab.tensor.AtomicFiles;
import dev.promptlab.tensor.Rng;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The adapter_config.json reader under fuzzing: beside the real weights of a soft prompt, a
 * prefix, a P-tuning encoder and a LoRA adapter, any adapter_config.json makes
 * {@link AdapterFile#load} return an adapter of the model, or throw an AdapterException naming
 * the file; never another exception.
 */
class AdapterConfigFuzzTest {
    private static final Path DIR = Fuzz.tempDir("adapter");
    private static final NDManager MANAGER = NDManager.newBaseManager();
    private static final LanguageModel MODEL = Architectures.byName("gpt").init(
            new ModelConfig("gpt", 40, 32, 16, 2, 2, 64, 1e-5, 0, 1), MANAGER, new Rng(1));
    private static final List<Path> ADAPTERS = new ArrayList<>();
    private static final List<JsonNode> CONFIGS = new ArrayList<>();

    static {
        try {
            Rng rng = new Rng(2);
            List<Adapter> kinds = List.of(
                    SoftPrompt.create(new SoftPromptConfig(3, SoftPromptConfig.Init.RANDOM, null), MODEL, null, rng),
                    PrefixTuning.create(new PrefixConfig(2, true, 8), MODEL, rng),
                    PTuning.create(new PTuningConfig(2, PTuningConfig.Encoder.LSTM, 6), MODEL, rng),
                    Lora.create(new LoraConfig(2, 4, List.of("c_attn")), MODEL, rng));
            for (int k = 0; k < kinds.size(); k++) {
                Path dir = DIR.resolve("seed-" + k);
                AdapterFile.save(kinds.get(k), MODEL, dir, "tiny");
                kinds.get(k).close();
                ADAPTERS.add(dir);
                CONFIGS.add(Mutations.parse(Files.readString(dir.resolve(AdapterFile.CONFIG))));
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A fuzzed config for the weights of seed adapter {@code kind}. */
    record Input(int kind, byte[] config) {
        @Override
        public String toString() {
            return "kind " + kind + ": " + Mutations.show(config);
        }
    }

    @Property(seed = FuzzCheck.SEED)
    void loadsAnAdapterOrIsRefusedByName(@ForAll("configs") Input input) throws IOException {
        Path dir = DIR.resolve("case");
        AtomicFiles.deleteTree(dir);
        Files.createDirectories(dir);
        try (var files = Files.list(ADAPTERS.get(input.kind()))) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.copy(f, dir.resolve(f.getFileName().toString()));
            }
        }
        Files.write(dir.resolve(AdapterFile.CONFIG), input.config());
        Adapter adapter = FuzzCheck.readOrRefuse(dir.toString(), input.config(), AdapterException.class,
                () -> AdapterFile.load(dir, MODEL));
        if (adapter != null) {
            assertTrue(adapter.trainableCount() > 0);
            adapter.close();
        }
    }

    @Provide
    Arbitrary<Input> configs() {
        return Arbitraries.randomValue((Random r) -> {
            int kind = r.nextInt(CONFIGS.size());
            byte[] bytes = Mutations.json(List.of(CONFIGS.get(kind))).generator(1).next(r).value();
            return new Input(kind, bytes);
        });
    }

    @AfterContainer
    static void cleanUp() {
        MODEL.close();
        MANAGER.close();
        Fuzz.delete(DIR);
    }
}
