package dev.promptlab.adapt;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.promptlab.model.InputVectorModel;
import dev.promptlab.model.LanguageModel;
import dev.promptlab.model.ModelInput;
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
 * The parameter {@code prefix} is (K, P, W) for K independent prompts (multi-prompt batching):
 * batch rows form K equal contiguous blocks and block k gets prompt k. Input-space prefixes need
 * an {@link InputVectorModel}.
 */
public final class InputPrefix implements Adapter {
    public static final String METHOD = "input-prefix";
    public static final String WEIGHT = "prefix";

    /** Where the prefix vectors live. */
    public enum Space {
        REAL, SIMPLEX, EMBEDDING
    }

    private final InputPrefixConfig config;
    private final NDManager manager;
    private final NDArray prefix; // (K, P, W)

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
        int k = config.prompts();
        int p = config.length();
        float[] v = new float[k * p * w];
        for (int row = 0; row < k * p; row++) {
            v[row * w + rng.nextInt(w)] = 1f;
        }
        NDManager manager = model.manager().newSubManager();
        return new InputPrefix(config, manager, manager.create(v, new Shape(k, p, w)));
    }

    /** A prefix over given values (K, P, W), copied into a new manager. */
    public static InputPrefix of(InputPrefixConfig config, NDArray values, LanguageModel model) {
        int w = width(config.space(), model);
        Shape expected = new Shape(config.prompts(), config.length(), w);
        if (!values.getShape().equals(expected)) {
            throw new IllegalArgumentException("prefix values have shape " + values.getShape() + ", expected " + expected);
        }
        NDManager manager = model.manager().newSubManager();
        // toType(.., copy = true) may alias when the type already matches: duplicate() is a real copy
        NDArray detached = values.stopGradient(); // shares storage, no graph
        NDArray asFloat = detached.toType(DataType.FLOAT32, false);
        NDArray copy = asFloat.duplicate(); // (K, P, W) own storage
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

    /** The raw parameter (K, P, W): logits for SIMPLEX. */
    public NDArray values() {
        return prefix;
    }

    /** Prompt {@code k} alone, as a one-prompt prefix with copied values (e.g. to evaluate it). */
    public InputPrefix prompt(int k, LanguageModel model) {
        if (k < 0 || k >= config.prompts()) {
            throw new IllegalArgumentException("prompt " + k + " outside [0, " + config.prompts() + ")");
        }
        try (NDManager scope = manager.newSubManager()) {
            NDArray one = prefix.get(new NDIndex("{}:{}", k, k + 1)); // (1, P, W)
            one.attach(scope);
            return of(new InputPrefixConfig(config.length(), config.space(), 1, config.after()), one, model);
        }
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
    public ModelInput apply(ModelInput input, LanguageModel model) {
        if (input.past() != null || input.attentionMask() != null) {
            throw new UnsupportedOperationException("an input prefix applies to whole, unpadded sequences");
        }
        NDArray tokens = input.embeddings() != null ? input.embeddings() : model.embed(input.ids()); // (B, T, C)
        int b = input.batchSize();
        int k = config.prompts();
        int p = config.length();
        int c = model.hiddenSize();
        if (b % k != 0) {
            throw new IllegalArgumentException("batch of " + b + " rows does not split into " + k + " prompt blocks");
        }
        if (config.after() > input.length()) {
            throw new IllegalArgumentException("the prefix goes after position " + config.after() + " but the input has "
                    + input.length() + " positions");
        }
        NDManager tmp = tokens.getManager();
        // a view of the parameter owned by the step's scope, so every op below lands there too
        NDArray own = prefix.reshape(prefix.getShape()); // (K, P, W)
        own.attach(tmp);
        NDArray vectors; // (K, P, C)
        switch (config.space()) {
            case REAL:
                vectors = ((InputVectorModel) model).embedInputs(own); // (K, P, C)
                break;
            case SIMPLEX:
                vectors = ((InputVectorModel) model).embedInputs(own.softmax(2)); // (K, P, C)
                break;
            default:
                vectors = own; // (K, P, C)
        }
        NDArray rows = vectors.expandDims(1).broadcast(new Shape(k, b / k, p, c)).reshape(b, p, c); // (B, P, C)
        NDArray head = tokens.get(new NDIndex(":, :{}", config.after())); // (B, A, C)
        NDArray tail = tokens.get(new NDIndex(":, {}:", config.after())); // (B, T-A, C)
        return input.withEmbeddings(NDArrays.concat(new NDList(head, rows, tail), 1)); // (B, T+P, C)
    }

    @Override
    public void close() {
        manager.close();
    }
}
