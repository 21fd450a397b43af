package dev.promptlab.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import java.util.List;
import java.util.Map;

/**
 * What the coin networks ({@link CoinLstm}, {@link CoinTransformer}) share: a dense input layer
 * ("embedding", D → C) so real-valued input vectors are possible, a dense output layer
 * ("unembedding", C → V), and their weights by name. Subclasses supply the torso and forward.
 */
abstract class CoinNetwork implements InputVectorModel {
    protected final ModelConfig config;
    protected final int inputSize;
    protected final NDManager manager;
    protected final Map<String, NDArray> params;

    protected CoinNetwork(ModelConfig config, int inputSize, Map<String, NDArray> params, NDManager manager) {
        this.config = config;
        this.inputSize = inputSize;
        this.manager = manager;
        this.params = params;
    }

    @Override
    public ModelConfig config() {
        return config;
    }

    @Override
    public int inputSize() {
        return inputSize;
    }

    /** The coin networks' linear weights are stored (in, out), for x·W. */
    @Override
    public boolean fanInFanOut() {
        return true;
    }

    @Override
    public NDArray inputEmbeddings() {
        return params.get("embedding.weight"); // (D, C): the embedding of symbol i is row i plus the bias
    }

    @Override
    public NDArray embed(NDArray ids) {
        return embedInputs(InputVectorModel.oneHotInputs(ids, inputSize)); // (B, T, C)
    }

    @Override
    public NDArray embedInputs(NDArray x) {
        if (x.getShape().dimension() != 3 || x.getShape().get(2) != inputSize) {
            throw new IllegalArgumentException("input vectors must be (B, T, " + inputSize + "), got " + x.getShape());
        }
        return x.matMul(params.get("embedding.weight")).add(params.get("embedding.bias")); // (B, T, C)
    }

    /** The dense unembedding: hidden (..., C) → (..., V); LoRA does not reach it, as in forward. */
    @Override
    public NDArray logitsOf(NDArray hidden, Map<String, LowRank> lowRank) {
        return hidden.matMul(params.get("unembedding.weight")).add(params.get("unembedding.bias")); // (..., V)
    }

    @Override
    public List<String> inputLayerWeights() {
        return List.of("embedding.weight", "embedding.bias");
    }

    @Override
    public List<String> outputLayerWeights() {
        return List.of("unembedding.weight", "unembedding.bias");
    }

    @Override
    public Map<String, NDArray> parameters() {
        return params;
    }

    @Override
    public NDManager manager() {
        return manager;
    }

    @Override
    public boolean supportsKvPrefix() {
        return false;
    }
}
