package dev.promptlab.analysis;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.promptlab.tensor.Scopes;
import dev.promptlab.tokenize.Tokenizer;

import java.util.Arrays;

/**
 * What the waywardness study reports of a continuous prompt: the token each prompt vector
 * projects to, the text those tokens read as, and how far the vectors are from those tokens.
 *
 * @param ids the projected token id of each prompt position (P of them)
 * @param text the readable text of {@code ids} ({@link ProjectedText#decode})
 * @param meanSquaredDistance mean over the P positions of the squared Euclidean distance between
 *     the prompt vector and the embedding of its projected token; 0 when the prompt is made of
 *     token embeddings
 */
public record ProjectedPrompt(int[] ids, String text, double meanSquaredDistance) {

    public ProjectedPrompt {
        if (ids == null || ids.length == 0) {
            throw new IllegalArgumentException("a projected prompt needs at least one token id, got "
                    + (ids == null ? "null" : "none"));
        }
        if (text == null) {
            throw new IllegalArgumentException("the projected text must not be null (\"\" when nothing is readable)");
        }
        if (!(meanSquaredDistance >= 0) || Double.isInfinite(meanSquaredDistance)) {
            throw new IllegalArgumentException("mean squared distance must be finite and >= 0, got " + meanSquaredDistance);
        }
        ids = ids.clone();
    }

    /**
     * Projects {@code prompt} (P, C) onto the rows of {@code embeddings} (V, C), the model's input
     * embedding matrix, nearest by {@code metric}. The distance reported is always the squared
     * Euclidean distance to the chosen token, whichever metric chose it, so that figures of
     * different metrics compare; under {@link Projection.Metric#L2} it is the distance to the
     * nearest token.
     */
    public static ProjectedPrompt of(NDArray prompt, NDArray embeddings, Projection.Metric metric, Tokenizer tokenizer) {
        if (prompt.getShape().dimension() != 2) {
            throw new IllegalArgumentException("prompt must be (P, C), got shape " + prompt.getShape());
        }
        int[] ids = Projection.project(prompt, embeddings, metric);
        return new ProjectedPrompt(ids, ProjectedText.decode(tokenizer, ids), meanSquaredDistance(prompt, embeddings, ids));
    }

    /** Mean over rows of ||prompt[p] - embeddings[ids[p]]||², computed directly (not by expansion) for precision. */
    static double meanSquaredDistance(NDArray prompt, NDArray embeddings, int[] ids) {
        try (NDManager scope = prompt.getManager().newSubManager()) {
            NDArray x = Scopes.into(scope, prompt.stopGradient()); // (P, C)
            NDArray rows = scope.create(Arrays.stream(ids).mapToLong(i -> i).toArray()); // (P)
            NDArray nearest = Scopes.into(scope, embeddings.stopGradient()).get(rows); // (P, C)
            NDArray squared = x.sub(nearest).square().sum(new int[] {1}); // (P)
            double sum = 0;
            for (float d : squared.toFloatArray()) {
                sum += d;
            }
            return sum / ids.length;
        }
    }

    /** A copy: the record keeps its own. */
    @Override
    public int[] ids() {
        return ids.clone();
    }

    /** The prompt length P. */
    public int length() {
        return ids.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ProjectedPrompt other && Arrays.equals(ids, other.ids) && text.equals(other.text)
                && Double.compare(meanSquaredDistance, other.meanSquaredDistance) == 0;
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(ids) + text.hashCode()) + Double.hashCode(meanSquaredDistance);
    }

    @Override
    public String toString() {
        return "ProjectedPrompt[ids=" + Arrays.toString(ids) + ", text=" + text + ", meanSquaredDistance="
                + meanSquaredDistance + "]";
    }
}
