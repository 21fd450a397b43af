package dev.promptlab.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import java.util.List;

/**
 * A model whose input layer is a dense layer over real-valued input vectors (B, T, D) rather
 * than an embedding table, so inputs need not be tokens: prefixes can be points of the token
 * simplex or arbitrary real vectors (the Bayesian prompting study's SimplexPT and RealPT).
 *
 * <p>Token ids still work: id i in [0, D) is the one-hot vector e_i, and id D stands for the
 * zero vector, which these models use as the beginning-of-sequence input (its embedding is the
 * input layer's bias alone).
 */
public interface InputVectorModel extends LanguageModel {
    /** Width D of an input vector. */
    int inputSize();

    /** The dense input embedding of real-valued vectors x (B, T, D) → (B, T, C). */
    NDArray embedInputs(NDArray x);

    /** Names (as in {@link #parameters()}) of the input layer's weights. */
    List<String> inputLayerWeights();

    /** Names (as in {@link #parameters()}) of the output layer's weights. */
    List<String> outputLayerWeights();

    /**
     * An independent copy: the same architecture over duplicated weights in a new child manager
     * of {@code parent}, none requiring a gradient. Weight tuning trains a copy so that the
     * original stays as it was.
     */
    InputVectorModel copy(NDManager parent);

    /**
     * Input vectors (B, T, D) of ids (B, T): one-hot for ids below D, zero for id D (BOS).
     * Shared by implementations.
     */
    static NDArray oneHotInputs(NDArray ids, int inputSize) {
        long[] v = ids.toType(ai.djl.ndarray.types.DataType.INT64, false).toLongArray();
        for (long id : v) {
            if (id < 0 || id > inputSize) {
                throw new IllegalArgumentException("input id " + id + " outside [0, " + inputSize + "] (0.."
                        + (inputSize - 1) + " are symbols, " + inputSize + " is the zero BOS vector)");
            }
        }
        NDArray oneHot = ids.oneHot(inputSize + 1); // (B, T, D+1)
        return oneHot.get(new ai.djl.ndarray.index.NDIndex(":, :, :{}", inputSize)); // (B, T, D): BOS row all zero
    }
}
