package dev.promptlab.icl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.promptlab.model.LanguageModel;
import dev.promptlab.model.ModelInput;
import dev.promptlab.tokenize.Tokenizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * A text's embedding by a frozen language model: the mean of the last hidden states (after the
 * final norm) over the text's real tokens, scaled to unit length so that a dot product is the
 * cosine similarity. Tokens are the tokenizer's, with the BOS first when the model's tokenizer
 * adds one, cut to the model's context length.
 *
 * <p>Texts run in batches of similar length, right-padded and masked; the mean skips padding, and
 * in a causal model a real position never attends to padding, so an embedding does not depend on
 * its batch beyond float rounding. Each batch's tensors live in their own child manager, closed
 * before the next batch. A text with no tokens gets the zero vector (cosine 0 with everything).
 */
public final class MeanHiddenEmbedder {
    private final LanguageModel model;
    private final Tokenizer tokenizer;
    private final int batchSize;

    public MeanHiddenEmbedder(LanguageModel model, Tokenizer tokenizer, int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be at least 1, got " + batchSize);
        }
        this.model = model;
        this.tokenizer = tokenizer;
        this.batchSize = batchSize;
    }

    /** Hidden size C of every embedding. */
    public int dimension() {
        return model.hiddenSize();
    }

    /** One unit-length (or zero) embedding of C floats per text, in the texts' order. */
    public float[][] embed(List<String> texts) {
        int[][] ids = new int[texts.size()][];
        List<Integer> nonEmpty = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            ids[i] = tokens(texts.get(i));
            if (ids[i].length > 0) {
                nonEmpty.add(i);
            }
        }
        // longest first: batches of similar lengths waste little compute on padding
        nonEmpty.sort(Comparator.comparingInt((Integer i) -> -ids[i].length).thenComparingInt(i -> i));
        float[][] out = new float[texts.size()][];
        for (int start = 0; start < nonEmpty.size(); start += batchSize) {
            List<Integer> batch = nonEmpty.subList(start, Math.min(nonEmpty.size(), start + batchSize));
            float[][] means = meanHidden(batch.stream().map(i -> ids[i]).toList());
            for (int row = 0; row < batch.size(); row++) {
                out[batch.get(row)] = unit(means[row]);
            }
        }
        for (int i = 0; i < out.length; i++) {
            if (out[i] == null) {
                out[i] = new float[dimension()];
            }
        }
        return out;
    }

    private int[] tokens(String text) {
        int[] body = tokenizer.encode(text);
        int[] ids = body;
        if (tokenizer.addsBos() && tokenizer.bosId() >= 0) {
            ids = new int[body.length + 1];
            ids[0] = tokenizer.bosId();
            System.arraycopy(body, 0, ids, 1, body.length);
        }
        int limit = model.config().contextLength();
        return ids.length > limit ? Arrays.copyOf(ids, limit) : ids;
    }

    /** Masked mean of the last hidden states of one batch of non-empty sequences, as B rows of C floats. */
    private float[][] meanHidden(List<int[]> sequences) {
        int b = sequences.size();
        int t = sequences.stream().mapToInt(s -> s.length).max().orElseThrow();
        long pad = tokenizer.padId() >= 0 ? tokenizer.padId() : 0; // any id: masked and averaged out
        long[] ids = new long[b * t];
        float[] mask = new float[b * t];
        for (int row = 0; row < b; row++) {
            int[] s = sequences.get(row);
            for (int i = 0; i < t; i++) {
                ids[row * t + i] = i < s.length ? s[i] : pad;
                mask[row * t + i] = i < s.length ? 1f : 0f;
            }
        }
        try (NDManager scope = model.manager().newSubManager()) {
            NDArray idArray = scope.create(ids, new Shape(b, t)); // (B, T)
            NDArray maskArray = scope.create(mask, new Shape(b, t)); // (B, T)
            NDArray hidden = model.forward(ModelInput.ofIds(idArray).withAttentionMask(maskArray).withHidden(true))
                    .hidden().toType(DataType.FLOAT32, false); // (B, T, C)
            NDArray summed = hidden.mul(maskArray.expandDims(2)).sum(new int[] {1}); // (B, C)
            NDArray mean = summed.div(maskArray.sum(new int[] {1}, true)); // (B, C)
            float[] flat = mean.toFloatArray();
            int c = (int) mean.getShape().get(1);
            float[][] rows = new float[b][];
            for (int row = 0; row < b; row++) {
                rows[row] = Arrays.copyOfRange(flat, row * c, (row + 1) * c);
            }
            return rows;
        }
    }

    private static float[] unit(float[] v) {
        double norm = 0;
        for (float x : v) {
            norm += (double) x * x;
        }
        norm = Math.sqrt(norm);
        float[] out = new float[v.length];
        for (int i = 0; norm > 0 && i < v.length; i++) {
            out[i] = (float) (v[i] / norm);
        }
        return out;
    }
}
