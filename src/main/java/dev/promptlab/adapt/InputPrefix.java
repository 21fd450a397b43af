package dev.promptlab.adapt;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.promptlab.model.InputVectorModel;
import dev.promptlab.model.LanguageModel;
import dev.promptlab.tensor.Rng;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A trainable prefix of P vectors inserted after the first {@code after} input positions, in one
 * of three spaces (the Bayesian prompting study's prefix methods):
 * <ul>
 *   <li>{@link Space#REAL}: unconstrained real input vectors (P, D), embedded by the model's
 *       dense input layer (RealPT);</li>
 *   <li>{@link Space#SIMPLEX}: logits (P, D) whose softmax is a point of the token simplex, then
 *       embedded like a token (SimplexPT);</li>
 *   <li>{@link Space#EMBEDDING}: vectors (P, C) after the input layer, the classic soft prompt
 *       (SoftPT).</li>
 * </ul>
 * K independent prefixes train in one batch as a {@link MultiPrompt}. Input-space prefixes need
 * an {@link InputVectorModel}.
 */
public final class InputPrefix implements PromptEmbeddings {
    public static final String METHOD = "input-prefix";
    public static final String WEIGHT = "prefix";

    /** Where the prefix vectors live. */
    public enum Space {
        REAL, SIMPLEX, EMBEDDING
    }

    private final InputPrefixConfig config;
    private final NDManager manager;
    private final NDArray prefix; // (P, W)

    private InputPrefix(InputPrefixConfig config, NDManager manager, NDArray prefix) {
        this.config = config;
        this.manager = manager;
        this.prefix = prefix;
        prefix.setName(WEIGHT);
        prefix.setRequiresGradient(true);
    }

    /**
     * A fresh prefix whose rows are random one-hot vectors of width W (the authors' default
     * initialisation): a random token for input-space prefixes (its softmax for SIMPLEX), a
     * random coordinate axis for embeddings.
     */
    public static InputPrefix create(InputPrefixConfig config, LanguageModel model, Rng rng) {
        int w = width(config.space(), model);
        int p = config.length();
        float[] v = new float[p * w];
        for (int row = 0; row < p; row++) {
            v[row * w + rng.nextInt(w)] = 1f;
        }
        NDManager manager = model.manager().newSubManager();
        return new InputPrefix(config, manager, manager.create(v, new Shape(p, w)));
    }

    /** A prefix over given values (P, W), copied into a new manager. */
    public static InputPrefix of(InputPrefixConfig config, NDArray values, LanguageModel model) {
        int w = width(config.space(), model);
        Shape expected = new Shape(config.length(), w);
        if (!values.getShape().equals(expected)) {
            throw new IllegalArgumentException("prefix values have shape " + values.getShape() + ", expected " + expected);
        }
        NDManager manager = model.manager().newSubManager();
        // toType(.., copy = true) may alias when the type already matches: duplicate() is a real copy
        NDArray detached = values.stopGradient(); // shares storage, no graph
        NDArray asFloat = detached.toType(DataType.FLOAT32, false);
        NDArray copy = asFloat.duplicate(); // (P, W) own storage
        if (asFloat != detached) {
            asFloat.close();
        }
        detached.close();
        copy.attach(manager);
        return new InputPrefix(config, manager, copy);
    }

    private static int width(Space space, LanguageModel model) {
        if (space == Space.EMBEDDING) {
            return model.hiddenSize();
        }
        if (!(model instanceof InputVectorModel m)) {
            throw new IllegalArgumentException(space + " prefixes live in input space and need a model with a dense"
                    + " input layer (InputVectorModel); " + model.getClass().getSimpleName() + " has an embedding table");
        }
        return m.inputSize();
    }

    public InputPrefixConfig config() {
        return config;
    }

    /** The raw parameter (P, W): logits for SIMPLEX. */
    public NDArray values() {
        return prefix;
    }

    @Override
    public String method() {
        return METHOD;
    }

    @Override
    public Map<String, NDArray> parameters() {
        Map<String, NDArray> p = new LinkedHashMap<>();
        p.put(WEIGHT, prefix);
        return p;
    }

    @Override
    public int virtualTokens() {
        return config.length();
    }

    @Override
    public int position() {
        return config.after();
    }

    /** The prefix as embeddings (P, C) on {@code scope}: embedded by the input layer for REAL and SIMPLEX. */
    @Override
    public NDArray virtualEmbeddings(NDManager scope, LanguageModel model) {
        NDArray own = VirtualTokens.view(prefix, scope); // (P, W)
        switch (config.space()) {
            case REAL:
                return ((InputVectorModel) model).embedInputs(own.expandDims(0)).squeeze(0); // (P, C)
            case SIMPLEX:
                return ((InputVectorModel) model).embedInputs(own.softmax(1).expandDims(0)).squeeze(0); // (P, C)
            default:
                return own; // (P, C)
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
