package dev.promptlab.model;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Architecture-independent description of a language model. Each {@link Architecture} maps it
 * to and from its own {@code config.json} keys (Hugging Face names where they exist).
 *
 * @param arch promptlab architecture name ("gpt", "lstm")
 * @param vocabSize V
 * @param contextLength maximum positions (GPT-2's n_positions); the LSTM uses it only as a limit
 * @param hiddenSize C
 * @param numLayers L
 * @param numHeads H (transformers; 0 for recurrent models)
 * @param innerSize MLP width (4·C for GPT-2); 0 for recurrent models
 * @param layerNormEps epsilon of the layer norms
 * @param bosId beginning-of-sequence id or -1
 * @param eosId end-of-sequence id or -1
 * @param source the validated {@code config.json} this config was read from, or null for a model
 *     promptlab created; an architecture keeps its own quirks (rotary base, key/value heads,
 *     ALiBi, ...) there, so the generic fields above never name one architecture's options
 */
public record ModelConfig(String arch, int vocabSize, int contextLength, int hiddenSize, int numLayers,
        int numHeads, int innerSize, double layerNormEps, int bosId, int eosId, ObjectNode source) {

    /** A config of a model promptlab creates itself (no {@code config.json} to keep). */
    public ModelConfig(String arch, int vocabSize, int contextLength, int hiddenSize, int numLayers,
            int numHeads, int innerSize, double layerNormEps, int bosId, int eosId) {
        this(arch, vocabSize, contextLength, hiddenSize, numLayers, numHeads, innerSize, layerNormEps, bosId, eosId,
                null);
    }

    public ModelConfig {
        if (arch == null || arch.isBlank()) {
            throw new IllegalArgumentException("model arch must be set (gpt or lstm)");
        }
        requirePositive("vocab_size", vocabSize);
        requirePositive("context length", contextLength);
        requirePositive("hidden size", hiddenSize);
        requirePositive("layers", numLayers);
        if (numHeads < 0 || innerSize < 0) {
            throw new IllegalArgumentException("heads and inner size must be >= 0, got " + numHeads + ", " + innerSize);
        }
        if (numHeads > 0 && hiddenSize % numHeads != 0) {
            throw new IllegalArgumentException("hidden size " + hiddenSize + " must be divisible by heads " + numHeads);
        }
        source = source == null ? null : source.deepCopy();
        if (bosId >= vocabSize || eosId >= vocabSize) {
            throw new IllegalArgumentException("bos/eos id (" + bosId + ", " + eosId + ") outside vocab_size " + vocabSize);
        }
    }

    private static void requirePositive(String what, int v) {
        if (v <= 0) {
            throw new IllegalArgumentException(what + " must be positive, got " + v);
        }
    }

    /** Size of one attention head, C / H. */
    public int headSize() {
        return numHeads == 0 ? 0 : hiddenSize / numHeads;
    }
}
