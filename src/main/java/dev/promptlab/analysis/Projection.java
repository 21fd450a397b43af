package dev.promptlab.analysis;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

import java.util.ArrayList;
import java.util.List;

/**
 * Projects continuous prompt vectors onto the vocabulary: each row goes to the rows of the input
 * embedding matrix nearest to it. Euclidean distance is the waywardness paper's choice; cosine
 * and dot product are offered because later work uses them.
 */
public final class Projection {
    private Projection() {}

    /** How "near" is measured. */
    public enum Metric {
        L2, COSINE, DOT;

        public static Metric parse(String s) {
            switch (s.toLowerCase()) {
                case "l2": case "euclidean": return L2;
                case "cosine": case "cos": return COSINE;
                case "dot": return DOT;
                default: throw new IllegalArgumentException("unknown metric '" + s + "' (allowed: l2, cosine, dot)");
            }
        }
    }

    /**
     * One neighbour.
     *
     * @param id token id
     * @param score Euclidean distance (L2, smaller is nearer) or similarity (COSINE, DOT, larger is nearer)
     */
    public record Neighbour(int id, double score) {}

    /** The {@code k} nearest tokens of each row of {@code vectors} (P, C) among {@code embeddings} (V, C). */
    public static List<List<Neighbour>> nearest(NDArray vectors, NDArray embeddings, Metric metric, int k) {
        if (vectors.getShape().get(1) != embeddings.getShape().get(1)) {
            throw new IllegalArgumentException("vectors have width " + vectors.getShape().get(1)
                    + " but the embeddings have width " + embeddings.getShape().get(1));
        }
        int kk = (int) Math.min(k, embeddings.getShape().get(0));
        try (NDManager scope = vectors.getManager().newSubManager()) {
            NDArray x = vectors.stopGradient(); // (P, C)
            NDArray e = embeddings.stopGradient(); // (V, C)
            x.attach(scope);
            e.attach(scope);
            NDArray scores; // (P, V), larger = nearer
            switch (metric) {
                case L2: {
                    // -||x - e||² = 2 x·e - ||x||² - ||e||²
                    NDArray xe = x.matMul(e.transpose()); // (P, V)
                    NDArray xx = x.square().sum(new int[] {1}, true); // (P, 1)
                    NDArray ee = e.square().sum(new int[] {1}).expandDims(0); // (1, V)
                    scores = xe.mul(2).sub(xx).sub(ee); // (P, V)
                    break;
                }
                case COSINE: {
                    NDArray xn = x.div(x.norm(new int[] {1}, true).maximum(1e-12f)); // (P, C)
                    NDArray en = e.div(e.norm(new int[] {1}, true).maximum(1e-12f)); // (V, C)
                    scores = xn.matMul(en.transpose()); // (P, V)
                    break;
                }
                case DOT:
                    scores = x.matMul(e.transpose()); // (P, V)
                    break;
                default:
                    throw new IllegalStateException("unreachable");
            }
            NDList top = scores.topK(kk, 1, true, true); // values (P, k), indices (P, k)
            float[] values = top.get(0).toFloatArray();
            long[] ids = top.get(1).toType(ai.djl.ndarray.types.DataType.INT64, false).toLongArray();
            int p = (int) vectors.getShape().get(0);
            List<List<Neighbour>> out = new ArrayList<>(p);
            for (int row = 0; row < p; row++) {
                List<Neighbour> list = new ArrayList<>(kk);
                for (int j = 0; j < kk; j++) {
                    double v = values[row * kk + j];
                    double score = metric == Metric.L2 ? Math.sqrt(Math.max(0, -v)) : v;
                    list.add(new Neighbour((int) ids[row * kk + j], score));
                }
                out.add(list);
            }
            return out;
        }
    }

    /** The nearest token id of each row. */
    public static int[] project(NDArray vectors, NDArray embeddings, Metric metric) {
        return nearest(vectors, embeddings, metric, 1).stream().mapToInt(l -> l.get(0).id()).toArray();
    }
}
