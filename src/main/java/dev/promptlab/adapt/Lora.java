package dev.promptlab.adapt;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.promptlab.model.LanguageModel;
import dev.promptlab.model.LowRank;
import dev.promptlab.model.ModelInput;
import dev.promptlab.tensor.Rng;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * LoRA (Hu et al. 2021): for each targeted linear layer W (in, out), trainable A (in, r) and
 * B (r, out) with the layer computing x·W + (alpha/r)·(x·A)·B. B starts at zero, so a fresh
 * adapter changes nothing; A starts LeCun-normal (std 1/sqrt(in)). The additions reach the model
 * through {@link ModelInput#lowRank()} by weight name; the model's own weights stay frozen.
 */
public final class Lora implements Adapter {
    public static final String METHOD = "lora";

    private final LoraConfig config;
    private final NDManager manager;
    private final Map<String, LowRank> additions; // by the adapted weight's name
    private final Map<String, NDArray> params = new LinkedHashMap<>();

    private Lora(LoraConfig config, NDManager manager, Map<String, LowRank> additions) {
        this.config = config;
        this.manager = manager;
        this.additions = additions;
        for (Map.Entry<String, LowRank> e : additions.entrySet()) {
            NDArray a = e.getValue().a();
            NDArray b = e.getValue().b();
            a.setName(e.getKey() + ".lora_A");
            b.setName(e.getKey() + ".lora_B");
            a.setRequiresGradient(true);
            b.setRequiresGradient(true);
            params.put(a.getName(), a);
            params.put(b.getName(), b);
        }
    }

    /** Fresh LoRA matrices for every 2-D weight of {@code model} whose name ends with a target. */
    public static Lora create(LoraConfig config, LanguageModel model, Rng rng) {
        NDManager manager = model.manager().newSubManager();
        Map<String, LowRank> additions = new LinkedHashMap<>();
        float scale = (float) (config.alpha() / config.rank());
        for (Map.Entry<String, NDArray> e : model.parameters().entrySet()) {
            String name = e.getKey();
            Shape s = e.getValue().getShape();
            if (s.dimension() != 2 || config.targets().stream().noneMatch(name::endsWith)) {
                continue;
            }
            long in = s.get(0);
            long out = s.get(1);
            NDArray a = manager.create(rng.gaussians(Math.toIntExact(in * config.rank()), 1 / Math.sqrt(in)),
                    new Shape(in, config.rank())); // (in, r)
            NDArray b = manager.zeros(new Shape(config.rank(), out)); // (r, out)
            additions.put(name, new LowRank(a, b, scale));
        }
        if (additions.isEmpty()) {
            manager.close();
            throw new IllegalArgumentException("no weight of " + model.getClass().getSimpleName()
                    + " matches the LoRA targets " + config.targets() + " (LoRA needs linear layers by those names)");
        }
        return new Lora(config, manager, additions);
    }

    public LoraConfig config() {
        return config;
    }

    /** The adapted weights' names. */
    public java.util.Set<String> targets() {
        return additions.keySet();
    }

    @Override
    public String method() {
        return METHOD;
    }

    @Override
    public Map<String, NDArray> parameters() {
        return params;
    }

    @Override
    public int virtualTokens() {
        return 0;
    }

    @Override
    public ModelInput apply(ModelInput input, LanguageModel model) {
        Map<String, LowRank> merged = new LinkedHashMap<>(input.lowRank());
        merged.putAll(additions);
        return input.withLowRank(merged);
    }

    @Override
    public void close() {
        manager.close();
    }
}
