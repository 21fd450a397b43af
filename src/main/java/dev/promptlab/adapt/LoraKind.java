package dev.promptlab.adapt;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptlab.model.LanguageModel;
import dev.promptlab.model.LowRank;
import dev.promptlab.tensor.Rng;
import dev.promptlab.tensor.Scopes;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * PEFT LORA files for {@link Lora}: tensors {@code base_model.model.<module path>.lora_A.weight}
 * (r, in) and {@code ...lora_B.weight} (out, r), nn.Linear's orientation, so ours (in, r) and
 * (r, out) are transposed on the way out and in; {@code adapter_config.json} with PEFT's LoraConfig
 * keys (r, lora_alpha, lora_dropout, target_modules, bias "none", fan_in_fan_out, ...).
 */
final class LoraKind implements AdapterKind, TuningMethod {
    /** PeftModelForCausalLM → LoraModel → the transformers model. */
    static final String PREFIX = "base_model.model.";

    @Override
    public String method() {
        return Lora.METHOD;
    }

    @Override
    public String peftType() {
        return "LORA";
    }

    @Override
    public boolean handles(Adapter adapter) {
        return adapter instanceof Lora;
    }

    static String keyA(LanguageModel model, String weight) {
        return PREFIX + model.modulePath(weight) + ".lora_A.weight";
    }

    static String keyB(LanguageModel model, String weight) {
        return PREFIX + model.modulePath(weight) + ".lora_B.weight";
    }

    @Override
    public void writeConfig(Adapter adapter, LanguageModel model, ObjectNode config) {
        LoraConfig c = ((Lora) adapter).config();
        config.put("r", c.rank());
        config.put("lora_alpha", c.alpha());
        config.put("lora_dropout", c.dropout());
        ArrayNode targets = config.putArray("target_modules");
        c.targets().forEach(targets::add);
        config.putNull("exclude_modules");
        config.put("bias", "none");
        config.put("fan_in_fan_out", model.fanInFanOut());
        config.put("init_lora_weights", true);
        config.put("use_rslora", false);
        config.put("use_dora", false);
        config.putNull("modules_to_save");
        config.putNull("layers_to_transform");
        config.putNull("layers_pattern");
        config.putObject("rank_pattern");
        config.putObject("alpha_pattern");
        config.put("lora_bias", false);
    }

    @Override
    public Map<String, NDArray> weights(Adapter adapter, LanguageModel model, NDManager scope) {
        Lora lora = (Lora) adapter;
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (String w : lora.targets()) {
            LowRank add = lora.addition(w);
            out.put(keyA(model, w), Scopes.into(scope, add.a().transpose(1, 0))); // (r, in) view of (in, r)
            out.put(keyB(model, w), Scopes.into(scope, add.b().transpose(1, 0))); // (out, r) view of (r, out)
        }
        return out;
    }

    @Override
    public Adapter read(JsonNode config, Map<String, NDArray> weights, Map<String, NDArray> extra, LanguageModel model,
            String file) {
        int r = AdapterFile.requiredInt(config, "r", file);
        JsonNode alphaNode = config.get("lora_alpha");
        double alpha = alphaNode != null && alphaNode.isNumber() ? alphaNode.asDouble() : 8;
        double dropout = config.path("lora_dropout").asDouble(0);
        if (config.path("use_dora").asBoolean(false) || config.path("use_rslora").asBoolean(false)
                || !"none".equals(config.path("bias").asText("none"))) {
            throw new AdapterException(file + ": only plain LoRA (use_dora false, use_rslora false, bias \"none\")"
                    + " is supported");
        }
        JsonNode targetsNode = config.get("target_modules");
        if (targetsNode == null || !targetsNode.isArray() || targetsNode.isEmpty()) {
            throw new AdapterException(file + ": adapter_config.json needs target_modules as a list of module names"
                    + " (a regular expression is not supported), got " + targetsNode);
        }
        List<String> targets = new ArrayList<>();
        targetsNode.forEach(t -> targets.add(t.asText()));
        LoraConfig c;
        try {
            c = new LoraConfig(r, alpha, dropout, targets);
        } catch (IllegalArgumentException e) {
            throw new AdapterException(file + ": " + e.getMessage(), e);
        }
        List<String> adapted;
        try {
            adapted = Lora.targetWeights(c, model);
        } catch (IllegalArgumentException e) {
            throw new AdapterException(file + ": this adapter was trained for another model: " + e.getMessage(), e);
        }
        Map<String, NDArray[]> matrices = new LinkedHashMap<>();
        TreeSet<String> unused = new TreeSet<>(weights.keySet());
        for (String w : adapted) {
            long[] s = Lora.linearSize(model, w); // {in, out}
            NDArray a = tensor(weights, keyA(model, w), new long[] {r, s[0]}, file);
            NDArray b = tensor(weights, keyB(model, w), new long[] {s[1], r}, file);
            unused.remove(keyA(model, w));
            unused.remove(keyB(model, w));
            matrices.put(w, new NDArray[] {a.transpose(1, 0), b.transpose(1, 0)}); // (in, r), (r, out)
        }
        if (!unused.isEmpty()) {
            throw new AdapterException(file + ": tensors " + unused + " adapt modules this model does not have"
                    + " (was the adapter trained for another model?)");
        }
        return Lora.of(c, model, matrices, new Rng(0));
    }

    private static NDArray tensor(Map<String, NDArray> weights, String key, long[] shape, String file) {
        NDArray t = weights.get(key);
        if (t == null) {
            throw new AdapterException(file + ": no tensor '" + key + "' (this model's targeted module has none;"
                    + " was the adapter trained for another model?)");
        }
        if (!java.util.Arrays.equals(t.getShape().getShape(), shape)) {
            throw new AdapterException(file + ": '" + key + "' has shape " + t.getShape() + " but this model needs "
                    + new ai.djl.ndarray.types.Shape(shape) + " (was the adapter trained for another model?)");
        }
        return t;
    }

    private static final MethodOption RANK = MethodOption.value("--lora-rank", "R", "rank r (default 8)");
    private static final MethodOption ALPHA = MethodOption.value("--lora-alpha", "ALPHA",
            "the addition is scaled by alpha / r (default 8)");
    private static final MethodOption DROPOUT = MethodOption.value("--lora-dropout", "P",
            "dropout on the LoRA input while training (default 0)");
    private static final MethodOption TARGETS = MethodOption.value("--target-modules", "NAMES",
            "modules to adapt, PEFT style, comma-separated (e.g. c_attn or q_proj,v_proj; default: the model's PEFT default)");

    @Override
    public List<MethodOption> options() {
        return List.of(RANK, ALPHA, DROPOUT, TARGETS);
    }

    @Override
    public MethodConfig parse(MethodOptions given) {
        return new LoraConfig(given.integer(RANK.name(), 8), given.number(ALPHA.name(), 8), given.number(DROPOUT.name(), 0),
                given.list(TARGETS.name()));
    }

    @Override
    public MethodConfig fromJson(JsonNode json) {
        List<String> targets = new ArrayList<>();
        json.path("target_modules").forEach(t -> targets.add(t.asText()));
        return new LoraConfig(json.path("lora_rank").asInt(), json.path("lora_alpha").asDouble(),
                json.path("lora_dropout").asDouble(), targets);
    }
}
