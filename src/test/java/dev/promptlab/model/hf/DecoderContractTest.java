package dev.promptlab.model.hf;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.promptlab.model.Architecture;
import dev.promptlab.model.Architectures;
import dev.promptlab.model.DecodingState;
import dev.promptlab.model.KvPrefix;
import dev.promptlab.model.LanguageModel;
import dev.promptlab.model.ModelConfig;
import dev.promptlab.model.ModelInput;
import dev.promptlab.model.Models;
import dev.promptlab.tensor.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static dev.promptlab.model.hf.HfTestModels.maxAbsDiff;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the opt and bloom decoders keep beyond the shared {@link KvModelContract}: random
 * prefixes checked by shape, left padding (positions from the mask, as HF computes them for
 * these families) through the cache, clear errors for foreign states and bad ids, save/load and
 * HF's initialisation statistics. Each architecture runs it through a subclass.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class DecoderContractTest extends KvModelContract {
    @Test
    void randomPrefixChangesLogitsAndWrongShapesFail() {
        try (NDManager m = root.newSubManager()) {
            Rng rng = new Rng(5);
            NDArray ids = ids(m, rng, 2, 6); // (B, T)
            KvPrefix prefix = randomPrefix(m, rng, 2, 3);
            NDArray plain = logits(ModelInput.ofIds(ids));
            NDArray prefixed = logits(ModelInput.ofIds(ids).withPrefix(prefix));
            assertTrue(maxAbsDiff(plain, prefixed) > 1e-2, "a prefix must change the logits");
            KvPrefix wrong = randomPrefix(m, rng, 3, 2);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> model.forward(ModelInput.ofIds(ids).withPrefix(wrong)));
            assertTrue(e.getMessage().contains("prefix"), e.getMessage());
        }
    }

    @Test
    void paddedRowsMatchEachSequenceAlone() {
        try (NDManager m = root.newSubManager()) {
            Rng rng = new Rng(6);
            NDArray a = ids(m, rng, 1, 8); // (1, 8)
            NDArray b = ids(m, rng, 1, 5); // (1, 5)
            NDArray pad = m.create(new long[] {7, 7, 7}, new Shape(1, 3));
            // Row 0 unpadded, row 1 right-padded, row 2 left-padded.
            NDArray batch = NDArrays.concat(new NDList(a, b.concat(pad, 1), pad.concat(b, 1)), 0); // (3, 8)
            NDArray mask = m.create(new long[] {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1},
                    new Shape(3, 8));
            NDArray out = logits(ModelInput.ofIds(batch).withAttentionMask(mask)); // (3, 8, V)
            NDArray alone = logits(ModelInput.ofIds(b)); // (1, 5, V)
            assertTrue(maxAbsDiff(out.get("0:1"), logits(ModelInput.ofIds(a))) < EXACT);
            assertTrue(maxAbsDiff(out.get("1:2, :5"), alone) < EXACT, "right padding changed real tokens");
            assertTrue(maxAbsDiff(out.get("2:3, 3:"), alone) < EXACT, "left padding changed real tokens");

            // The left-padded row continues through the cache like the unpadded one.
            NDArray next = m.create(new long[] {1, 2, 3}, new Shape(3, 1));
            try (DecodingState padded = model.forward(ModelInput.ofIds(batch).withAttentionMask(mask).withCache(true))
                    .state(); DecodingState plain = model.forward(ModelInput.ofIds(b).withCache(true)).state()) {
                NDArray longer = mask.concat(m.ones(new Shape(3, 1), mask.getDataType()), 1); // (3, 9)
                NDArray step = logits(ModelInput.ofIds(next).withPast(padded).withAttentionMask(longer)); // (3, 1, V)
                NDArray ref = logits(ModelInput.ofIds(next.get("2:3")).withPast(plain)); // (1, 1, V)
                assertTrue(maxAbsDiff(step.get("2:3"), ref) < EXACT, "left-padded decoding step differs");
            }

            // A mask hiding an earlier real position changes later logits only.
            NDArray holed = mask.duplicate();
            holed.set(new NDIndex("0, 2"), 0);
            NDArray changed = logits(ModelInput.ofIds(batch).withAttentionMask(holed));
            assertTrue(maxAbsDiff(changed.get("0:1, 3:"), out.get("0:1, 3:")) > 1e-3);
            assertTrue(maxAbsDiff(changed.get("0:1, :2"), out.get("0:1, :2")) < EXACT);
        }
    }

    @Test
    void saveLoadRoundTripGivesIdenticalLogits(@TempDir Path dir) throws Exception {
        Models.save(model, dir);
        JsonNode written = new ObjectMapper().readTree(dir.resolve(Models.CONFIG).toFile());
        Architecture arch = Architectures.byName(model.config().arch());
        assertEquals(arch.modelType(), written.get("model_type").textValue());
        assertTrue(written.get("architectures").get(0).textValue().endsWith("ForCausalLM"), written.toString());
        try (NDManager m = root.newSubManager(); LanguageModel loaded = Models.load(dir, m)) {
            assertEquals(model.parameters().keySet(), loaded.parameters().keySet());
            ModelConfig a = model.config();
            ModelConfig b = loaded.config();
            assertEquals(List.of(a.vocabSize(), a.contextLength(), a.hiddenSize(), a.numLayers(), a.numHeads(),
                    a.innerSize(), a.bosId(), a.eosId()), List.of(b.vocabSize(), b.contextLength(), b.hiddenSize(),
                    b.numLayers(), b.numHeads(), b.innerSize(), b.bosId(), b.eosId()));
            NDArray ids = ids(m, new Rng(8), 2, 6);
            assertEquals(0f, maxAbsDiff(logits(ModelInput.ofIds(ids)), loaded.forward(ModelInput.ofIds(ids)).logits()));
        }
    }

    @Test
    void foreignStatesAndBadInputsFailClearly() {
        try (NDManager m = root.newSubManager()) {
            NDArray ids = ids(m, new Rng(11), 1, 3);
            DecodingState foreign = new DecodingState() {
                @Override
                public int length() {
                    return 2;
                }

                @Override
                public void close() {}
            };
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> model.forward(ModelInput.ofIds(ids).withPast(foreign)));
            assertTrue(e.getMessage().contains(model.config().arch() + " cannot continue"), e.getMessage());
            NDArray bad = m.create(new long[] {1, model.vocabSize()}, new Shape(1, 2));
            e = assertThrows(IllegalArgumentException.class, () -> model.forward(ModelInput.ofIds(bad)));
            assertTrue(e.getMessage().contains(String.valueOf(model.vocabSize())), e.getMessage());
            NDArray mask = m.ones(new Shape(1, 5));
            e = assertThrows(IllegalArgumentException.class,
                    () -> model.forward(ModelInput.ofIds(ids).withAttentionMask(mask)));
            assertTrue(e.getMessage().contains("attention mask"), e.getMessage());
        }
    }

    @Test
    void initIsDeterministicWithHfStatistics() {
        Architecture arch = Architectures.byName(model.config().arch());
        try (LanguageModel fresh = arch.init(model.config(), root, new Rng(1));
                LanguageModel again = arch.init(model.config(), root, new Rng(1))) {
            assertEquals(model.parameters().keySet(), fresh.parameters().keySet());
            for (var e : fresh.parameters().entrySet()) {
                String name = e.getKey();
                NDArray w = e.getValue();
                assertEquals(0f, maxAbsDiff(w, again.parameters().get(name)), name + " not deterministic");
                if (name.endsWith(".bias")) {
                    assertEquals(0f, w.abs().sum().getFloat(), name);
                } else if (w.getShape().dimension() == 1) {
                    assertEquals(w.getShape().size(), w.sum().getFloat(), 1e-4, name + ": layer-norm gain");
                } else if (w.getShape().size() >= 500) {
                    assertEquals(0.02, Math.sqrt(w.square().mean().getFloat()), 0.004, name + ": std");
                }
            }
        }
    }

}
