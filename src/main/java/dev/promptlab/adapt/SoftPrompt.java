package dev.promptlab.adapt;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.promptlab.model.LanguageModel;
import dev.promptlab.tensor.Rng;
import dev.promptlab.tokenize.Tokenizer;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Prompt tuning: P trainable vectors prepended to the input embeddings of a frozen model. The
 * only trainable tensor is {@code prompt_embeddings} (P, C), PEFT's name for it.
 */
public final class SoftPrompt implements Adapter, PromptEmbeddings {
    public static final String METHOD = "soft-prompt";
    public static final String WEIGHT = "prompt_embeddings";

    private final SoftPromptConfig config;
    private final NDManager manager;
    private final NDArray prompt; // (P, C)

    private SoftPrompt(SoftPromptConfig config, NDManager manager, NDArray prompt) {
        this.config = config;
        this.manager = manager;
        this.prompt = prompt;
        prompt.setName(WEIGHT);
        prompt.setRequiresGradient(true);
    }

    /** A fresh prompt for {@code model}, initialised as the config says. */
    public static SoftPrompt create(SoftPromptConfig config, LanguageModel model, Tokenizer tokenizer, Rng rng) {
        NDManager manager = model.manager().newSubManager();
        NDArray wte = model.inputEmbeddings(); // (V, C)
        int p = config.length();
        int c = model.hiddenSize();
        NDArray init;
        switch (config.init()) {
            case RANDOM: {
                float std = standardDeviation(wte);
                init = manager.create(rng.gaussians(p * c, std), new Shape(p, c));
                break;
            }
            case SAMPLE_VOCAB: {
                long[] rows = new long[p];
                for (int i = 0; i < p; i++) {
                    rows[i] = rng.nextInt(model.vocabSize());
                }
                init = rowsOf(wte, rows, manager);
                break;
            }
            case TEXT: {
                int[] ids = tokenizer.encode(config.initText());
                if (ids.length == 0) {
                    throw new IllegalArgumentException("init text \"" + config.initText() + "\" has no tokens");
                }
                long[] rows = new long[p];
                for (int i = 0; i < p; i++) {
                    rows[i] = ids[i % ids.length]; // PEFT: repeat the text's tokens to fill P, or cut it
                }
                init = rowsOf(wte, rows, manager);
                break;
            }
            default:
                throw new IllegalStateException("unreachable");
        }
        return new SoftPrompt(config, manager, init);
    }

    /** A prompt over existing values (P, C), e.g. read from an adapter file; the array moves into a new manager. */
    public static SoftPrompt of(SoftPromptConfig config, NDArray values, LanguageModel model) {
        if (values.getShape().dimension() != 2 || values.getShape().get(0) != config.length()
                || values.getShape().get(1) != model.hiddenSize()) {
            throw new IllegalArgumentException("prompt_embeddings has shape " + values.getShape() + " but this model needs ("
                    + config.length() + ", " + model.hiddenSize() + ")");
        }
        NDManager manager = model.manager().newSubManager();
        NDArray copy = values.toType(DataType.FLOAT32, false).duplicate(); // a real copy: toType(.., true) aliases when the type already matches
        copy.attach(manager);
        return new SoftPrompt(config, manager, copy);
    }

    private static NDArray rowsOf(NDArray wte, long[] rows, NDManager manager) {
        try (NDManager scope = manager.newSubManager()) {
            NDArray index = scope.create(rows); // (P)
            NDArray picked = wte.get(index).duplicate(); // (P, C)
            picked.attach(manager);
            return picked;
        }
    }

    private static float standardDeviation(NDArray wte) {
        try (NDManager scope = wte.getManager().newSubManager()) {
            NDArray x = wte.duplicate();
            x.attach(scope);
            double mean = x.mean().getFloat();
            double var = x.sub(mean).square().mean().getFloat();
            return (float) Math.sqrt(var);
        }
    }

    public SoftPromptConfig config() {
        return config;
    }

    /** The prompt matrix (P, C); trainable. */
    public NDArray embeddings() {
        return prompt;
    }

    @Override
    public String method() {
        return METHOD;
    }

    @Override
    public Map<String, NDArray> parameters() {
        Map<String, NDArray> p = new LinkedHashMap<>();
        p.put(WEIGHT, prompt);
        return p;
    }

    @Override
    public int virtualTokens() {
        // P positions of the sequence; during cached decoding they sit in the state from the first call.
        return config.length();
    }

    /** The prompt (P, C) as a view owned by {@code scope}, the caller's per-step manager. */
    @Override
    public NDArray virtualEmbeddings(NDManager scope, LanguageModel model) {
        return VirtualTokens.view(prompt, scope); // (P, C)
    }

    @Override
    public void close() {
        manager.close();
    }
}
