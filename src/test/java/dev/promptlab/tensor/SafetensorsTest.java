package dev.promptlab.tensor;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class SafetensorsTest {
    @TempDir
    Path dir;

    @Test
    void roundTripsEveryDtype() throws IOException {
        try (NDManager m = NDManager.newBaseManager()) {
            float[] values = {0f, 1f, -2.5f, 3.14159f, 1e-3f, -65000f};
            Map<String, NDArray> t = new LinkedHashMap<>();
            t.put("w", m.create(values, new Shape(2, 3)));
            t.put("ids", m.create(new long[] {1, -2, 1L << 40}));
            t.put("i32", m.create(new int[] {7, 8}));
            Path f32 = dir.resolve("a.safetensors");
            Safetensors.write(f32, t, Map.of("k", "v"));
            Map<String, NDArray> back = Safetensors.read(f32, m);
            assertArrayEquals(values, back.get("w").toFloatArray());
            assertEquals(new Shape(2, 3), back.get("w").getShape());
            assertArrayEquals(new long[] {1, -2, 1L << 40}, back.get("ids").toLongArray());
            assertEquals(DataType.INT32, back.get("i32").getDataType());
            assertEquals("v", Safetensors.readHeader(f32).metadata().get("k"));

            for (Safetensors.Dtype half : new Safetensors.Dtype[] {Safetensors.Dtype.F16, Safetensors.Dtype.BF16}) {
                Path p = dir.resolve(half + ".safetensors");
                Safetensors.write(p, Map.of("w", t.get("w")), Map.of(), half);
                assertEquals(half, Safetensors.readHeader(p).tensors().get("w").dtype());
                float[] got = Safetensors.read(p, m).get("w").toFloatArray();
                double tolerance = half == Safetensors.Dtype.F16 ? 1e-3 : 8e-3; // relative precision of each format
                for (int i = 0; i < values.length; i++) {
                    assertEquals(values[i], got[i], Math.abs(values[i]) * tolerance + 1e-6, half + " value " + i);
                }
            }
        }
    }

    @Test
    void headerIsPaddedToEightBytesAndNamesAreSorted() throws IOException {
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> t = new LinkedHashMap<>();
            t.put("zeta", m.create(new float[] {1}));
            t.put("alpha", m.create(new float[] {2}));
            Path p = dir.resolve("x.safetensors");
            Safetensors.write(p, t, Map.of());
            byte[] bytes = Files.readAllBytes(p);
            long headerLen = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
            assertEquals(0, headerLen % 8);
            String header = new String(bytes, 8, (int) headerLen, StandardCharsets.UTF_8);
            assertTrue(header.indexOf("alpha") < header.indexOf("zeta"), header);
            assertEquals(Arrays.asList("alpha", "zeta"), Safetensors.readHeader(p).tensors().keySet().stream().toList());
        }
    }

    @Test
    void truncatedFileIsRejectedWithItsName() throws IOException {
        try (NDManager m = NDManager.newBaseManager()) {
            Path p = dir.resolve("t.safetensors");
            Safetensors.write(p, Map.of("w", m.create(new float[64])), Map.of());
            byte[] bytes = Files.readAllBytes(p);
            Files.write(p, Arrays.copyOf(bytes, bytes.length - 10));
            IOException e = assertThrows(IOException.class, () -> Safetensors.read(p, m));
            assertTrue(e.getMessage().contains("t.safetensors") && e.getMessage().contains("'w'"), e.getMessage());
        }
    }

    @Test
    void halfConversionsAreExactWhereRepresentable() {
        for (float f : new float[] {0f, 1f, -1f, 0.5f, 65504f, 6.1035156e-5f, 5.9604645e-8f, Float.POSITIVE_INFINITY}) {
            assertEquals(f, Half.toFloat(Half.fromFloat(f)), 0f, "value " + f);
        }
        assertTrue(Float.isNaN(Half.toFloat(Half.fromFloat(Float.NaN))));
        assertEquals(Float.POSITIVE_INFINITY, Half.toFloat(Half.fromFloat(1e6f)));
        // 1 + 2^-11 is halfway between 1 and the next half (1 + 2^-10): ties go to even (1)
        assertEquals(1f, Half.toFloat(Half.fromFloat(1f + 0x1.0p-11f)), 0f);
    }

    @Test
    void writtenFilesAreReadableByOthers() throws IOException {
        Path p = dir.resolve("shared.json");
        AtomicFiles.writeString(p, "{}");
        assertTrue(Files.getPosixFilePermissions(p).contains(java.nio.file.attribute.PosixFilePermission.OTHERS_READ));
    }
}
