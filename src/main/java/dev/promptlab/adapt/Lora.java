package dev.promptlab.adapt;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.promptlab.model.LanguageModel;
import dev.promptlab.model.LowRank;
import dev.promptlab.model.ModelInput;
import dev.promptlab.tensor.Rng;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * LoRA (Hu et al. 2021): for each targeted linear layer W (in, out), trainable A (in, r) and
 * B (r, out) with the layer computing x·W + (alpha/r)·(dropout(x)·A)·B. B starts at zero, so a
 * fresh adapter changes nothing; A starts LeCun-normal (std 1/sqrt(in)). The additions reach the
 * model through {@link ModelInput#lowRank()} by weight name; the model's own weights stay frozen.
 * Targets are matched against the modules' Hugging Face paths ({@link LanguageModel#modulePath})
 * as PEFT matches {@code target_modules}. Dropout (training only) draws its masks from this
 * adapter's own {@link Rng}, whose state a checkpoint keeps.
 */
public final class Lora implements Adapter {
    public static final String METHOD = "lora";

    private final LoraConfig config;
    private final NDManager manager;
    private final Map<String, LowRank> additions; // by the adapted weight's name
    private final Map<String, NDArray> params = new LinkedHashMap<>();
    private final Rng dropoutRng;

    private Lora(LoraConfig config, NDManager manager, Map<String, LowRank> additions, Rng dropoutRng) {
        this.config = config;
        this.manager = manager;
        this.additions = additions;
        this.dropoutRng = dropoutRng;
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

    /**
     * {in, out} of the linear layer whose weight is {@code name}: the weight is (in, out) where the
     * model stores x·W matrices (GPT-2's Conv1D, {@link LanguageModel#fanInFanOut()}), else
     * nn.Linear's (out, in).
     */
    static long[] linearSize(LanguageModel model, String name) {
        long[] s = model.parameters().get(name).getShape().getShape();
        return model.fanInFanOut() ? new long[] {s[0], s[1]} : new long[] {s[1], s[0]};
    }

    /** Fresh LoRA matrices for every linear layer of {@code model} that the config targets. */
    public static Lora create(LoraConfig requested, LanguageModel model, Rng rng) {
        LoraConfig config = requested.targets().isEmpty() ? requested.resolvedFor(model) : requested;
        NDManager manager = model.manager().newSubManager();
        Map<String, LowRank> additions = new LinkedHashMap<>();
        float scale = (float) (config.alpha() / config.rank());
        for (String name : targetWeights(config, model)) {
            long[] inOut = linearSize(model, name);
            long in = inOut[0];
            long out = inOut[1];
            NDArray a = manager.create(rng.gaussians(Math.toIntExact(in * config.rank()), 1 / Math.sqrt(in)),
                    new Shape(in, config.rank())); // (in, r)
            NDArray b = manager.zeros(new Shape(config.rank(), out)); // (r, out)
            additions.put(name, new LowRank(a, b, scale));
        }
        return new Lora(config, manager, additions, rng.split());
    }

    /**
     * LoRA over given matrices, by the adapted weight's name: A (in, r) and B (r, out), copied.
     * {@code matrices.get(name)} holds {A, B}.
     */
    public static Lora of(LoraConfig config, LanguageModel model, Map<String, NDArray[]> matrices, Rng rng) {
        NDManager manager = model.manager().newSubManager();
        Map<String, LowRank> additions = new LinkedHashMap<>();
        float scale = (float) (config.alpha() / config.rank());
        for (Map.Entry<String, NDArray[]> e : matrices.entrySet()) {
            NDArray a = e.getValue()[0].toType(DataType.FLOAT32, false).duplicate(); // (in, r) own storage
            NDArray b = e.getValue()[1].toType(DataType.FLOAT32, false).duplicate(); // (r, out) own storage
            a.attach(manager);
            b.attach(manager);
            additions.put(e.getKey(), new LowRank(a, b, scale));
        }
        return new Lora(config, manager, additions, rng);
    }

    /**
     * The weights of {@code model} the config adapts, in the model's order; fails naming the
     * targets when none matches.
     */
    public static List<String> targetWeights(LoraConfig config, LanguageModel model) {
        List<String> names = model.parameters().keySet().stream()
                .filter(n -> model.appliesLowRank(n) && config.targets(model.modulePath(n))).toList();
        if (names.isEmpty()) {
            throw new IllegalArgumentException("no linear layer of " + model.getClass().getSimpleName()
                    + " matches the LoRA targets " + config.targets() + " (LoRA needs linear layers by those names)");
        }
        return names;
    }

    /** The targets the user gave, or the model's PEFT default; fails when there is neither. */
    public static List<String> targetsOrDefault(List<String> given, LanguageModel model) {
        if (given != null && !given.isEmpty()) {
            return given;
        }
        if (model.defaultLoraTargets().isEmpty()) {
            throw new IllegalArgumentException(model.config().arch() + " has no default LoRA target modules;"
                    + " name them with --target-modules");
        }
        return model.defaultLoraTargets();
    }

    public LoraConfig config() {
        return config;
    }

    /** The adapted weights' names. */
    public Set<String> targets() {
        return additions.keySet();
    }

    /** The addition for one adapted weight. */
    public LowRank addition(String weightName) {
        return additions.get(weightName);
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
        return withAdditions(input, additions);
    }

    @Override
    public ModelInput applyTraining(ModelInput input, LanguageModel model) {
        if (config.dropout() == 0) {
            return apply(input, model);
        }
        Map<String, LowRank> dropped = new LinkedHashMap<>();
        additions.forEach((k, v) -> dropped.put(k, new LowRank(v.a(), v.b(), v.scale(), this::dropout)));
        return withAdditions(input, dropped);
    }

    private static ModelInput withAdditions(ModelInput input, Map<String, LowRank> additions) {
        Map<String, LowRank> merged = new LinkedHashMap<>(input.lowRank());
        merged.putAll(additions);
        return input.withLowRank(merged);
    }

    /** Inverted dropout on x (..., in); the mask comes from this adapter's stream, on x's manager. */
    private NDArray dropout(NDArray x) {
        double keep = 1 - config.dropout();
        float[] mask = new float[Math.toIntExact(x.getShape().size())];
        float kept = (float) (1 / keep);
        for (int i = 0; i < mask.length; i++) {
            mask[i] = dropoutRng.nextDouble() < keep ? kept : 0f;
        }
        return x.mul(x.getManager().create(mask, x.getShape())); // (..., in)
    }

    @Override
    public long[] randomState() {
        return new long[] {dropoutRng.state()};
    }

    @Override
    public void restoreRandomState(long[] state) {
        if (state.length != 1) {
            throw new IllegalArgumentException("LoRA's random state is one number, got " + state.length);
        }
        dropoutRng.restore(state[0]);
    }

    @Override
    public void close() {
        manager.close();
    }
}
