package dev.promptlab.study;

import ai.djl.ndarray.NDArray;
import dev.promptlab.model.InputVectorModel;
import dev.promptlab.model.LanguageModel;
import dev.promptlab.tokenize.Tokenizer;

/**
 * A model of the waywardness study, as the report describes it (its size is the x axis of the
 * size sweep).
 *
 * @param ref the model reference as given
 * @param parameters number of weights
 * @param layers number of blocks
 * @param hidden width C
 * @param vocab rows of the input embedding matrix
 * @param context positions the model holds
 */
public record WaywardModel(String ref, long parameters, int layers, int hidden, int vocab, int context) {

    /** The description of a loaded model that a study can project prompts for. */
    static WaywardModel of(String ref, LanguageModel model, Tokenizer tokenizer) {
        projectionTable(ref, model, tokenizer);
        return new WaywardModel(ref, model.parameterCount(), model.numLayers(), model.hiddenSize(), model.vocabSize(),
                model.config().contextLength());
    }

    /**
     * The input embedding matrix (V, C) that prompts are projected onto.
     *
     * @throws IllegalArgumentException naming the model when it has no token embedding table of the
     *     prompt's width: a model fed real-valued input vectors, or one whose embeddings are
     *     narrower or wider than the hidden size (a soft prompt lives in the hidden size)
     */
    static NDArray projectionTable(String ref, LanguageModel model, Tokenizer tokenizer) {
        if (model instanceof InputVectorModel) {
            throw new IllegalArgumentException("model " + ref + " reads real-valued input vectors through a dense layer;"
                    + " it has no input embeddings of tokens to project a prompt onto");
        }
        NDArray table = model.inputEmbeddings(); // (V, C)
        if (table == null || table.getShape().dimension() != 2 || table.getShape().get(1) != model.hiddenSize()
                || table.getShape().get(0) < tokenizer.vocabSize()) {
            throw new IllegalArgumentException("model " + ref + " has no input embeddings to project a prompt onto:"
                    + " expected a table of at least " + tokenizer.vocabSize() + " tokens × hidden size "
                    + model.hiddenSize() + ", got " + (table == null ? "none" : table.getShape().toString()));
        }
        return table;
    }
}
