package dev.promptlab.fuzz;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptlab.tensor.Safetensors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The safetensors header reader under fuzzing: for any bytes, {@link Safetensors#parseHeader}
 * returns a header whose every tensor lies inside the data section with exactly its shape's bytes,
 * or throws an IOException naming the file; a header that parses also reads (through libtorch)
 * without a crash.
 */
class SafetensorsFuzzTest {
    private static final String NAME = "fuzz.safetensors";
    private static final Path DIR = Fuzz.tempDir("safetensors");
    private static final List<byte[]> SEEDS = seeds();

    @Property(seed = FuzzCheck.SEED)
    void parsesToTensorsInsideTheFileOrIsRefusedByName(@ForAll("files") byte[] input) throws IOException {
        Safetensors.Header h = FuzzCheck.readOrRefuse(NAME, input, IOException.class,
                () -> Safetensors.parseHeader(NAME, input));
        if (h == null) {
            return;
        }
        long data = input.length - h.dataStart();
        for (Safetensors.TensorInfo t : h.tensors().values()) {
            long numel = 1;
            for (long d : t.shape()) {
                numel *= d;
            }
            assertTrue(t.begin() >= 0 && t.begin() <= t.end() && t.end() <= data, t.name());
            int width = switch (t.dtype()) {
                case F32, I32 -> 4;
                case F16, BF16 -> 2;
                case I64 -> 8;
                case I8 -> 1;
            };
            assertEquals(numel * width, t.end() - t.begin(), t.name() + ": its shape's bytes exactly");
        }
        Path file = DIR.resolve("t.safetensors");
        Files.write(file, input);
        try (NDManager m = NDManager.newBaseManager()) { // what parses must read, with no native crash
            Map<String, NDArray> read = FuzzCheck.readOrRefuse(file.toString(), input, IOException.class,
                    () -> Safetensors.read(file, m));
            if (read != null) {
                assertEquals(h.tensors().keySet(), read.keySet());
            }
        }
    }

    @Provide
    Arbitrary<byte[]> files() {
        return Arbitraries.oneOf(Mutations.bytes(SEEDS), Arbitraries.randomValue(r -> {
            byte[] seed = SEEDS.get(r.nextInt(SEEDS.size()));
            int len = (int) ByteBuffer.wrap(seed, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
            JsonNode header = Mutations.parse(new String(seed, 8, len, StandardCharsets.UTF_8));
            for (int k = 1 + r.nextInt(2); k > 0; k--) {
                header = Mutations.swapValue(header, r);
            }
            return withHeader(header.toString().getBytes(StandardCharsets.UTF_8), seed, 8 + len,
                    r.nextInt(8) == 0 ? r.nextLong() : -1);
        }));
    }

    /** A file of {@code header} and the seed's data section; {@code length} replaces the length field unless -1. */
    private static byte[] withHeader(byte[] header, byte[] seed, int dataStart, long length) {
        ByteBuffer b = ByteBuffer.allocate(8 + header.length + seed.length - dataStart).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(length == -1 ? header.length : length).put(header).put(seed, dataStart, seed.length - dataStart);
        return b.array();
    }

    private static List<byte[]> seeds() {
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> a = new LinkedHashMap<>();
            a.put("w", m.create(new float[] {1, 2, 3, 4, 5, 6}, new ai.djl.ndarray.types.Shape(2, 3)));
            a.put("b", m.create(new float[] {0.5f}, new ai.djl.ndarray.types.Shape(1)));
            a.put("i", m.create(new long[] {7, 8}, new ai.djl.ndarray.types.Shape(2)));
            Path f32 = DIR.resolve("f32.safetensors");
            Safetensors.write(f32, a, Map.of("note", "seed"));
            Path f16 = DIR.resolve("f16.safetensors");
            Safetensors.write(f16, Map.of("p", a.get("w")), Map.of(), Safetensors.Dtype.F16);
            Path bf16 = DIR.resolve("bf16.safetensors");
            Safetensors.write(bf16, Map.of("p", a.get("w"), "s", m.create(new float[] {1}, new ai.djl.ndarray.types.Shape())),
                    Map.of(), Safetensors.Dtype.BF16);
            return List.of(Files.readAllBytes(f32), Files.readAllBytes(f16), Files.readAllBytes(bf16));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterContainer
    static void cleanUp() {
        Fuzz.delete(DIR);
    }
}
