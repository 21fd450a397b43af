package dev.promptlab.adapt;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.promptlab.model.LanguageModel;
import dev.promptlab.model.LowRank;
import dev.promptlab.model.ModelInput;
import dev.promptlab.tensor.Rng;
import dev.promptlab.tensor.Safetensors;
import dev.promptlab.train.AdapterObjective;
import dev.promptlab.train.Batch;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/** LoRA on language models: a no-op at B = 0, the same as merged weights, PEFT's names and default targets per architecture, dropout in training only. */
class LoraTest extends AdapterTestBase {
    @Test
    void aFreshLoraIsANoOp() {
        int[][] w = MethodModels.windows(2, 3, 8);
        for (MethodModels.Case c : MethodModels.all()) {
            try (LanguageModel model = c.build(root, 1);
                    Lora lora = Lora.create(new LoraConfig(4, 8, model.defaultLoraTargets()), model, new Rng(3))) {
                assertArrayEquals(logits(model, null, w), logits(model, lora, w), 0f, c + ": B = 0 changes nothing");
            }
        }
    }

    /** On every linear layer of GPT-2, LoRA computes what the merged weights W + (alpha/r)·A·B compute. */
    @Test
    void gptWithLoraEqualsGptWithMergedWeights() {
        int[][] w = MethodModels.windows(2, 3, 8);
        MethodModels.Case gpt = MethodModels.all().get(0);
        try (LanguageModel model = gpt.build(root, 1); LanguageModel merged = gpt.build(root, 1);
                Lora lora = Lora.create(new LoraConfig(3, 6, List.of("c_attn", "c_proj", "c_fc")), model, new Rng(3))) {
            assertEquals(4 * model.numLayers(), lora.targets().size(), "c_proj matches attn.c_proj and mlp.c_proj");
            Rng rng = new Rng(9);
            for (String name : lora.targets()) {
                LowRank add = lora.addition(name);
                add.b().set(rng.gaussians((int) add.b().size(), 0.3)); // a trained, non-zero B
                try (NDManager s = root.newSubManager()) {
                    NDArray a = add.a().duplicate();
                    a.attach(s);
                    NDArray delta = a.matMul(add.b()).mul(add.scale()); // (in, out), no gradients here
                    NDArray w2 = merged.parameters().get(name);
                    float[] sum = w2.toFloatArray();
                    float[] dv = delta.toFloatArray();
                    for (int i = 0; i < sum.length; i++) {
                        sum[i] += dv[i];
                    }
                    w2.set(sum);
                }
            }
            assertArrayEquals(logits(merged, null, w), logits(model, lora, w), 2e-4f);
            assertFalse(java.util.Arrays.equals(logits(model, null, w), logits(model, lora, w)));
        }
    }

    @Test
    void gpt2FilesUsePeftsModulePathsAndNnLinearOrientation() throws Exception {
        try (LanguageModel model = MethodModels.all().get(0).build(root, 1);
                Lora lora = Lora.create(new LoraConfig(2, 4, Lora.targetsOrDefault(null, model)), model, new Rng(3))) {
            assertEquals(List.of("c_attn"), lora.config().targets(), "PEFT's default for gpt2");
            Path out = dir.resolve("lora");
            AdapterFile.save(lora, model, out, "tiny");
            var tensors = Safetensors.readHeader(out.resolve(AdapterFile.WEIGHTS)).tensors();
            assertEquals(Set.of("base_model.model.transformer.h.0.attn.c_attn.lora_A.weight",
                    "base_model.model.transformer.h.0.attn.c_attn.lora_B.weight",
                    "base_model.model.transformer.h.1.attn.c_attn.lora_A.weight",
                    "base_model.model.transformer.h.1.attn.c_attn.lora_B.weight"), tensors.keySet());
            assertArrayEquals(new long[] {2, 16}, tensors.get("base_model.model.transformer.h.0.attn.c_attn.lora_A.weight")
                    .shape(), "lora_A (r, in)");
            assertArrayEquals(new long[] {48, 2}, tensors.get("base_model.model.transformer.h.0.attn.c_attn.lora_B.weight")
                    .shape(), "lora_B (out, r)");
            JsonNode config = new ObjectMapper().readTree(out.resolve(AdapterFile.CONFIG).toFile());
            assertEquals("LORA", config.get("peft_type").asText());
            assertTrue(config.get("fan_in_fan_out").asBoolean(), "GPT-2's Conv1D");
            assertEquals("none", config.get("bias").asText());
            assertEquals(2, config.get("r").asInt());
            assertEquals(4.0, config.get("lora_alpha").asDouble());
        }
    }

    /** Every architecture: PEFT's default targets and fan_in_fan_out, written down in {@link PeftLoraNames}. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.MethodSource("dev.promptlab.adapt.MethodModels#all")
    void defaultTargetsAndConfigArePeftsPerArchitecture(MethodModels.Case c) throws Exception {
        try (LanguageModel model = c.build(root, 1);
                Lora lora = Lora.create(new LoraConfig(2, 4, Lora.targetsOrDefault(null, model)), model, new Rng(3))) {
            String arch = model.config().arch();
            assertEquals(PeftLoraNames.defaultTargets(arch), lora.config().targets(), "PEFT's default for " + c);
            Path out = dir.resolve("lora-" + c);
            AdapterFile.save(lora, model, out, "tiny");
            JsonNode config = new ObjectMapper().readTree(out.resolve(AdapterFile.CONFIG).toFile());
            assertEquals(PeftLoraNames.defaultTargets(arch), new ObjectMapper().convertValue(config.get("target_modules"),
                    List.class), "adapter_config.json target_modules");
            assertEquals(PeftLoraNames.fanInFanOut(arch), config.get("fan_in_fan_out").asBoolean());
            Set<String> names = Safetensors.readHeader(out.resolve(AdapterFile.WEIGHTS)).tensors().keySet();
            assertEquals(PeftLoraNames.tensors(arch).keySet(), names);
        }
    }

    @Test
    void dropoutActsInTrainingOnly() {
        try (LanguageModel model = MethodModels.all().get(0).build(root, 1);
                Lora lora = Lora.create(new LoraConfig(2, 4, 0.5, List.of("c_attn")), model, new Rng(3));
                NDManager m = root.newSubManager()) {
            for (String name : lora.targets()) {
                lora.addition(name).b().set(new Rng(4).gaussians((int) lora.addition(name).b().size(), 0.5));
            }
            NDArray ids = Batch.ofWindows(MethodModels.windows(2, 2, 6), m).ids();
            float[] eval1 = model.forward(lora.apply(ModelInput.ofIds(ids), model)).logits().toFloatArray();
            float[] eval2 = model.forward(lora.apply(ModelInput.ofIds(ids), model)).logits().toFloatArray();
            float[] train = model.forward(lora.applyTraining(ModelInput.ofIds(ids), model)).logits().toFloatArray();
            assertArrayEquals(eval1, eval2, 0f);
            assertFalse(java.util.Arrays.equals(eval1, train), "dropout changes the training forward");
        }
    }

    @Test
    void targetsThatMatchNothingAreRefused() {
        try (LanguageModel model = MethodModels.all().get(0).build(root, 1)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Lora.create(new LoraConfig(2, 4, List.of("q_proj", "v_proj")), model, new Rng(1)));
            assertTrue(e.getMessage().contains("q_proj"), e.getMessage());
        }
    }
}
