package dev.promptlab.adapt;

import ai.djl.ndarray.types.Shape;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What PEFT writes for LoRA on each tiny model of {@link MethodModels} (2 layers, hidden 16), written
 * out by hand, not computed by the code under test: the default targets are PEFT's
 * {@code TRANSFORMERS_MODELS_TO_LORA_TARGET_MODULES_MAPPING} (peft/utils/constants.py: gpt2
 * c_attn; opt, llama, mistral, qwen2 q_proj and v_proj; bloom query_key_value), the tensor names
 * {@code base_model.model.} + the module's path in transformers' model classes
 * (GPT2LMHeadModel: transformer.h.N.attn.c_attn; OPTForCausalLM: model.decoder.layers.N.self_attn;
 * BloomForCausalLM: transformer.h.N.self_attention; LlamaForCausalLM: model.layers.N.self_attn),
 * lora_A (r, in) and lora_B (out, r) at rank 2.
 */
final class PeftLoraNames {
    private PeftLoraNames() {}

    /** PEFT's default target_modules for a model of promptlab architecture {@code arch}. */
    static List<String> defaultTargets(String arch) {
        return switch (arch) {
            case "gpt" -> List.of("c_attn");
            case "opt", "llama" -> List.of("q_proj", "v_proj");
            case "bloom" -> List.of("query_key_value");
            default -> throw new IllegalArgumentException("no PEFT default written down for " + arch);
        };
    }

    /** Whether PEFT's config says fan_in_fan_out (GPT-2's Conv1D stores weights (in, out)). */
    static boolean fanInFanOut(String arch) {
        return arch.equals("gpt");
    }

    /** The adapter_model.safetensors tensors of rank-2 LoRA with the default targets. */
    static Map<String, Shape> tensors(String arch) {
        Map<String, Shape> t = new TreeMap<>();
        for (int layer = 0; layer < 2; layer++) {
            switch (arch) {
                case "gpt" -> lora(t, "transformer.h." + layer + ".attn.c_attn", 16, 48);
                case "opt" -> {
                    lora(t, "model.decoder.layers." + layer + ".self_attn.q_proj", 16, 16);
                    lora(t, "model.decoder.layers." + layer + ".self_attn.v_proj", 16, 16);
                }
                case "bloom" -> lora(t, "transformer.h." + layer + ".self_attention.query_key_value", 16, 48);
                case "llama" -> { // 4 query heads over 2 key/value heads of size 4: v_proj is 16 -> 8
                    lora(t, "model.layers." + layer + ".self_attn.q_proj", 16, 16);
                    lora(t, "model.layers." + layer + ".self_attn.v_proj", 16, 8);
                }
                default -> throw new IllegalArgumentException("no PEFT names written down for " + arch);
            }
        }
        return t;
    }

    private static void lora(Map<String, Shape> t, String module, long in, long out) {
        t.put("base_model.model." + module + ".lora_A.weight", new Shape(2, in));
        t.put("base_model.model." + module + ".lora_B.weight", new Shape(out, 2));
    }
}
