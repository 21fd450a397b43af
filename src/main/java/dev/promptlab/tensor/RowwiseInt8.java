package dev.promptlab.tensor;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A compact encoding of a model's weights: every matrix (2-D floating tensor) as symmetric int8
 * with one scale per row ({@code w ≈ q · s}, {@code q ∈ [-127, 127]}, {@code s = max|row| / 127}),
 * everything else (norm gains, biases, vectors) unchanged. A quarter of F32's size, half of F16's,
 * so that a built-in model too large for the repository in F16 can still ship; decoding gives F32
 * weights that are exactly {@code q · s} with the stored scales.
 *
 * <p>Stored in safetensors as two tensors per matrix: {@code NAME} (I8, the matrix's shape) and
 * {@code NAME + }{@value #SCALE_SUFFIX} (floating, shape [rows, 1]); the file's metadata says
 * {@code promptlab_encoding = }{@value #ENCODING}. Row-wise scales keep the error of a row
 * proportional to that row's own range, which matters for embeddings whose rows differ in norm.
 */
public final class RowwiseInt8 {
    /** The metadata value that marks a file in this encoding. */
    public static final String ENCODING = "int8-rowwise";
    /** The metadata key holding {@link #ENCODING}. */
    public static final String METADATA_KEY = "promptlab_encoding";
    static final String SCALE_SUFFIX = ".int8_row_scale";

    private RowwiseInt8() {}

    /**
     * Encodes {@code weights} (in their own manager). Scales are rounded to F16 before the values
     * are quantised against them, so a file that stores scales as F16 decodes to exactly what was
     * quantised.
     */
    public static Map<String, NDArray> encode(Map<String, NDArray> weights) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : weights.entrySet()) {
            NDArray w = e.getValue();
            if (w.getShape().dimension() != 2 || !w.getDataType().isFloating()) {
                out.put(e.getKey(), w);
                continue;
            }
            // Intermediates live in a scope; only the codes and scales join the weights' manager.
            try (NDManager scope = w.getManager().newSubManager()) {
                NDArray f = w.toType(DataType.FLOAT32, true); // (rows, cols)
                f.attach(scope);
                NDArray scale = f.abs().max(new int[] {1}, true).div(127f); // (rows, 1)
                // An all-zero row gets scale 1 (its codes are 0 anyway) so decoding never divides by zero.
                scale = scale.add(scale.eq(0).toType(DataType.FLOAT32, false))
                        .toType(DataType.FLOAT16, false).toType(DataType.FLOAT32, false);
                NDArray q = f.div(scale).round().clip(-127, 127).toType(DataType.INT8, false); // (rows, cols)
                q.attach(w.getManager());
                scale.attach(w.getManager());
                out.put(e.getKey(), q);
                out.put(e.getKey() + SCALE_SUFFIX, scale);
            }
        }
        return out;
    }

    /**
     * Decodes what {@link #encode} made (as read back from a file) into F32 weights; tensors
     * without a scale pass through. An I8 tensor without its scale, or a scale whose shape does
     * not match its matrix, is an error naming the tensor.
     */
    public static Map<String, NDArray> decode(Map<String, NDArray> encoded) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : encoded.entrySet()) {
            String name = e.getKey();
            if (name.endsWith(SCALE_SUFFIX)) {
                String matrix = name.substring(0, name.length() - SCALE_SUFFIX.length());
                if (!encoded.containsKey(matrix)) {
                    throw new IllegalArgumentException("int8 scale '" + name + "' has no matrix '" + matrix + "'");
                }
                continue;
            }
            NDArray v = e.getValue();
            if (v.getDataType() != DataType.INT8) {
                out.put(name, v);
                continue;
            }
            NDArray scale = encoded.get(name + SCALE_SUFFIX);
            if (scale == null) {
                throw new IllegalArgumentException("int8 tensor '" + name + "' has no scale '" + name + SCALE_SUFFIX + "'");
            }
            if (v.getShape().dimension() != 2 || !scale.getShape().equals(new ai.djl.ndarray.types.Shape(v.getShape().get(0), 1))) {
                throw new IllegalArgumentException("int8 tensor '" + name + "' of shape " + v.getShape() + " needs a scale of"
                        + " shape (" + v.getShape().get(0) + ", 1), got " + scale.getShape());
            }
            NDArray w = v.toType(DataType.FLOAT32, false).mul(scale.toType(DataType.FLOAT32, false)); // (rows, cols)
            w.setName(name);
            out.put(name, w);
        }
        return out;
    }
}
