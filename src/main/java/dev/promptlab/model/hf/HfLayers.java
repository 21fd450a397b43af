package dev.promptlab.model.hf;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.SparseFormat;

/**
 * Table lookups of the decoders, written so that every result lands on the manager of the ids
 * (the step's), never on the table's: libtorch's embedding attaches its result to the first
 * array handed to the JNI call.
 */
public final class HfLayers {
    private HfLayers() {}

    /** Rows of {@code table} (V, E) at {@code ids} (any shape, INT64) → (ids..., E), on the ids' manager. */
    public static NDArray lookup(NDArray table, NDArray ids) {
        return ids.getNDArrayInternal().embedding(ids, table, SparseFormat.DENSE).singletonOrThrow(); // (ids..., E)
    }

    /**
     * Fails naming the offending id when {@code ids} holds a value outside [0, vocab): libtorch's
     * embedding would otherwise abort the JVM or read out of bounds.
     */
    public static void requireIds(NDArray ids, int vocab) {
        DataType type = ids.getDataType();
        if (type != DataType.INT64 && type != DataType.INT32) {
            throw new IllegalArgumentException("ids must be INT64 or INT32, got " + type);
        }
        long[] values = ids.toType(DataType.INT64, false).toLongArray();
        for (long id : values) {
            if (id < 0 || id >= vocab) {
                throw new IllegalArgumentException("token id " + id + " outside vocab_size " + vocab);
            }
        }
    }
}
