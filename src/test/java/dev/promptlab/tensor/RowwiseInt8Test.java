package dev.promptlab.tensor;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RowwiseInt8Test {
    @TempDir
    Path dir;

    @Test
    void everyElementIsWithinHalfItsRowsStepAndVectorsPassThrough() {
        try (NDManager m = NDManager.newBaseManager()) {
            Random rng = new Random(3);
            int rows = 5, cols = 7;
            float[] w = new float[rows * cols];
            for (int i = 0; i < w.length; i++) {
                w[i] = (float) (rng.nextGaussian() * (1 + i / cols)); // rows of different ranges
            }
            for (int c = 0; c < cols; c++) {
                w[2 * cols + c] = 0f; // an all-zero row
            }
            Map<String, NDArray> weights = new LinkedHashMap<>();
            weights.put("m", m.create(w, new Shape(rows, cols)));
            weights.put("gain", m.create(new float[] {1.5f, -2f}));
            Map<String, NDArray> encoded = RowwiseInt8.encode(weights);
            assertEquals(DataType.INT8, encoded.get("m").getDataType());
            Map<String, NDArray> decoded = RowwiseInt8.decode(encoded);
            assertEquals(2, decoded.size(), "scales are consumed by decoding");
            assertArrayEquals(new float[] {1.5f, -2f}, decoded.get("gain").toFloatArray());
            float[] back = decoded.get("m").toFloatArray();
            for (int r = 0; r < rows; r++) {
                float max = 0;
                for (int c = 0; c < cols; c++) {
                    max = Math.max(max, Math.abs(w[r * cols + c]));
                }
                // half a quantisation step, plus the F16 rounding of the scale (relative 2^-11) times 127
                float tolerance = max / 127f * 0.5f + max * 1e-3f + 1e-7f;
                for (int c = 0; c < cols; c++) {
                    float err = Math.abs(back[r * cols + c] - w[r * cols + c]);
                    assertTrue(err <= tolerance, "row " + r + " col " + c + ": error " + err + " > " + tolerance);
                }
            }
            for (int c = 0; c < cols; c++) {
                assertEquals(0f, back[2 * cols + c], "the zero row stays zero");
            }
        }
    }

    @Test
    void aFileWithF16ScalesDecodesToExactlyWhatWasQuantised() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray w = m.randomNormal(new Shape(16, 9)); // (16, 9)
            Map<String, NDArray> encoded = RowwiseInt8.encode(Map.of("w", w));
            Path file = dir.resolve("w.safetensors");
            Safetensors.write(file, encoded, Map.of(RowwiseInt8.METADATA_KEY, RowwiseInt8.ENCODING),
                    Safetensors.Dtype.F16);
            Safetensors.Header header = Safetensors.readHeader(file);
            assertEquals(Safetensors.Dtype.I8, header.tensors().get("w").dtype());
            assertEquals(RowwiseInt8.ENCODING, header.metadata().get(RowwiseInt8.METADATA_KEY));
            float[] fromMemory = RowwiseInt8.decode(encoded).get("w").toFloatArray();
            float[] fromFile = RowwiseInt8.decode(Safetensors.read(file, m)).get("w").toFloatArray();
            assertArrayEquals(fromMemory, fromFile, "F16 scales must round-trip exactly");
            assertArrayEquals(encoded.get("w").toByteArray(), Safetensors.read(file, m).get("w").toByteArray());
        }
    }

    @Test
    void aCodeWithoutItsScaleOrWithAWrongScaleIsRefusedByName() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray q = m.create(new byte[] {1, 2, 3, 4}).reshape(2, 2).toType(DataType.INT8, false);
            IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                    () -> RowwiseInt8.decode(Map.of("w", q)));
            assertTrue(missing.getMessage().contains("'w' has no scale"), missing.getMessage());
            IllegalArgumentException wrong = assertThrows(IllegalArgumentException.class,
                    () -> RowwiseInt8.decode(Map.of("w", q, "w" + RowwiseInt8.SCALE_SUFFIX, m.ones(new Shape(3, 1)))));
            assertTrue(wrong.getMessage().contains("needs a scale of shape (2, 1)"), wrong.getMessage());
        }
    }
}
