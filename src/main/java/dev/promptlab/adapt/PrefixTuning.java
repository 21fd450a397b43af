package dev.promptlab.adapt;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.promptlab.model.LanguageModel;
import dev.promptlab.model.ModelInput;
import dev.promptlab.tensor.Rng;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Prefix tuning (Li and Liang 2021) in PEFT's parametrisation: P trainable key/value positions in
 * every attention layer, reaching the model through {@link ModelInput#prefix()}. With D =
 * kvHeads·headSize (C without grouped-query attention), the prefix is a matrix (P, 2·L·D) read
 * in PEFT's order: viewed as (P, 2L, kvHeads, headSize) and permuted to (2L, kvHeads, P,
 * headSize), index 2l holds layer l's keys and 2l+1 its values, exactly as PEFT's
 * {@code get_prompt} splits {@code past_key_values}, so a PEFT {@code prompt_embeddings} means
 * the same thing here.
 *
 * <p>Without projection the trainable tensor is that matrix ({@code embedding.weight}, 2·L·P·D
 * elements). With projection it is PEFT's PrefixEncoder MLP: {@code embedding.weight} (P, D),
 * {@code transform.0} Linear(D, H), Tanh, {@code transform.2} Linear(H, 2·L·D), torch's names and
 * layouts. The prefix takes P positions of the context but returns no logits.
 */
public final class PrefixTuning implements KeyValuePrompt {
    public static final String METHOD = "prefix";
    public static final String EMBEDDING = "embedding.weight";

    private final PrefixConfig config;
    private final NDManager manager;
    private final Map<String, NDArray> params;
    private final int layers;
    private final int kvHeads;
    private final int headSize;

    private PrefixTuning(PrefixConfig config, NDManager manager, Map<String, NDArray> params, LanguageModel model) {
        this.config = config;
        this.manager = manager;
        this.params = Collections.unmodifiableMap(params);
        this.layers = model.numLayers();
        this.kvHeads = model.numKeyValueHeads();
        this.headSize = model.headSize();
        params.forEach((name, p) -> {
            p.setName(name);
            p.setRequiresGradient(true);
        });
    }

    /** Key/value width D = kvHeads·headSize: PEFT's token_dim for prefix tuning. */
    public static int tokenDim(LanguageModel model) {
        return model.numKeyValueHeads() * model.headSize();
    }

    /** H of the projection: the config's, or D. */
    public static int encoderHiddenSize(PrefixConfig config, LanguageModel model) {
        return config.encoderHiddenSize() > 0 ? config.encoderHiddenSize() : tokenDim(model);
    }

    /** The trainable tensors' names and shapes for {@code model}. */
    public static Map<String, Shape> shapes(PrefixConfig config, LanguageModel model) {
        long p = config.length();
        long d = tokenDim(model);
        long out = 2L * model.numLayers() * d;
        Map<String, Shape> s = new LinkedHashMap<>();
        if (config.projection()) {
            long h = encoderHiddenSize(config, model);
            s.put(EMBEDDING, new Shape(p, d));
            s.put("transform.0.weight", new Shape(h, d));
            s.put("transform.0.bias", new Shape(h));
            s.put("transform.2.weight", new Shape(out, h));
            s.put("transform.2.bias", new Shape(out));
        } else {
            s.put(EMBEDDING, new Shape(p, out));
        }
        return s;
    }

    /** A fresh prefix with torch's default initialisations (PEFT's init_weights None). */
    public static PrefixTuning create(PrefixConfig config, LanguageModel model, Rng rng) {
        requireAttention(model);
        NDManager manager = model.manager().newSubManager();
        Map<String, NDArray> p = new LinkedHashMap<>();
        int d = tokenDim(model);
        int out = 2 * model.numLayers() * d;
        if (config.projection()) {
            int h = encoderHiddenSize(config, model);
            p.put(EMBEDDING, EncoderLayers.embedding(manager, rng, config.length(), d)); // (P, D)
            EncoderLayers.linear(p, "transform.0", manager, rng, d, h); // (H, D), (H)
            EncoderLayers.linear(p, "transform.2", manager, rng, h, out); // (2LD, H), (2LD)
        } else {
            p.put(EMBEDDING, EncoderLayers.embedding(manager, rng, config.length(), out)); // (P, 2LD)
        }
        return new PrefixTuning(config, manager, p, model);
    }

    /** A prefix over given tensors (names and shapes of {@link #shapes}), copied; {@code file} names their source. */
    public static PrefixTuning of(PrefixConfig config, LanguageModel model, Map<String, NDArray> values, String file) {
        requireAttention(model);
        EncoderLayers.requireShapes(values, shapes(config, model), file);
        NDManager manager = model.manager().newSubManager();
        return new PrefixTuning(config, manager, EncoderLayers.copies(values, manager), model);
    }

    private static void requireAttention(LanguageModel model) {
        if (!model.supportsKvPrefix()) {
            throw new IllegalArgumentException("prefix tuning needs attention layers (key/value prefixes); "
                    + model.config().arch() + " has none");
        }
    }

    public PrefixConfig config() {
        return config;
    }

    /** The prefix as PEFT saves it ({@code prompt_embeddings}): (P, 2·L·D), computed on {@code scope}. */
    public NDArray flat(NDManager scope) {
        NDArray e = VirtualTokens.view(params.get(EMBEDDING), scope); // (P, D) or (P, 2LD)
        if (!config.projection()) {
            return e; // (P, 2LD)
        }
        NDArray h = EncoderLayers.apply(params, "transform.0", e).tanh(); // (P, H)
        return EncoderLayers.apply(params, "transform.2", h); // (P, 2LD)
    }

    @Override
    public NDArray keyValues(NDManager scope, LanguageModel model) {
        return flat(scope).reshape(config.length(), 2L * layers, kvHeads, headSize) // (P, 2L, kvH, hd)
                .transpose(1, 2, 0, 3); // (2L, kvH, P, hd)
    }

    @Override
    public String method() {
        return METHOD;
    }

    @Override
    public Map<String, NDArray> parameters() {
        return params;
    }

    /** No positions come back as logits: the prefix lives in the keys and values only. */
    @Override
    public int virtualTokens() {
        return 0;
    }

    @Override
    public int contextPositions() {
        return config.length();
    }

    @Override
    public ModelInput apply(ModelInput input, LanguageModel model) {
        if (input.past() != null) {
            return input; // the prefix went in with the first call and lives in the decoding state
        }
        NDManager scope = VirtualTokens.scope(input);
        return VirtualTokens.prefix(input, keyValues(scope, model).expandDims(0)); // (1, 2L, kvH, P, hd)
    }

    @Override
    public void close() {
        manager.close();
    }
}
