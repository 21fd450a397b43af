package dev.promptlab.tensor;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads and writes the safetensors format (https://github.com/huggingface/safetensors): an
 * 8-byte little-endian header length, a JSON header mapping each tensor name to its dtype, shape
 * and byte range, then the raw little-endian data.
 *
 * <p>Supported dtypes: F32, F16, BF16, I64, I32, I8 (I8 only for encoded weights such as
 * {@link RowwiseInt8}; a model loader refuses integer weights). F16 and BF16 tensors are up-cast to F32 when
 * read (promptlab computes in F32 on CPU); {@link #write} can store F32 arrays as F16/BF16.
 * Writes are atomic: a temporary file in the same directory is renamed over the target, so a
 * crash never leaves a half-written checkpoint.
 */
public final class Safetensors {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Safetensors() {}

    /** Storage type of a tensor in a safetensors file. */
    public enum Dtype {
        F32(4), F16(2), BF16(2), I64(8), I32(4), I8(1);

        final int bytes;

        Dtype(int bytes) {
            this.bytes = bytes;
        }
    }

    /** Header entry of one tensor. */
    public record TensorInfo(String name, Dtype dtype, long[] shape, long begin, long end) {}

    /** The parsed header of a file: tensors in file order and the free-form metadata. */
    public record Header(Map<String, TensorInfo> tensors, Map<String, String> metadata, long dataStart) {}

    /** Reads only the header (cheap; used to validate adapters and checkpoints before loading). */
    public static Header readHeader(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return readHeader(ch, file);
        }
    }

    private static Header readHeader(FileChannel ch, Path file) throws IOException {
        long size = ch.size();
        if (size < 8) {
            throw new IOException(file + ": not a safetensors file (only " + size + " bytes)");
        }
        ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(ch, lenBuf, 0, file);
        long headerLen = checkHeaderLength(lenBuf.flip().getLong(), size, file.toString());
        ByteBuffer hb = ByteBuffer.allocate((int) headerLen);
        readFully(ch, hb, 8, file);
        return parseHeader(file.toString(), hb.array(), size);
    }

    /**
     * The header of a safetensors file held in memory ({@code bytes}: the whole file); {@code
     * name} is what messages call it. Any malformed input is an {@link IOException} naming the
     * file and the problem, never another exception (this is what the fuzz tests check).
     */
    public static Header parseHeader(String name, byte[] bytes) throws IOException {
        if (bytes.length < 8) {
            throw new IOException(name + ": not a safetensors file (only " + bytes.length + " bytes)");
        }
        long headerLen = checkHeaderLength(ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong(),
                bytes.length, name);
        return parseHeader(name, java.util.Arrays.copyOfRange(bytes, 8, 8 + (int) headerLen), bytes.length);
    }

    private static long checkHeaderLength(long headerLen, long size, String name) throws IOException {
        if (headerLen <= 0 || headerLen > 100_000_000L || 8 + headerLen > size) {
            throw new IOException(name + ": corrupt safetensors header length " + headerLen + " (file has " + size
                    + " bytes)");
        }
        return headerLen;
    }

    /** The header from its JSON bytes, for a file of {@code size} bytes. */
    private static Header parseHeader(String file, byte[] headerBytes, long size) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(new String(headerBytes, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IOException(file + ": safetensors header is not valid JSON: " + JsonErrors.describe(e), e);
        }
        if (root == null || !root.isObject()) {
            throw new IOException(file + ": safetensors header must be a JSON object of tensor name -> {dtype, shape,"
                    + " data_offsets}");
        }
        long dataStart = 8 + headerBytes.length;
        long dataLen = size - dataStart;
        Map<String, TensorInfo> tensors = new LinkedHashMap<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equals("__metadata__")) {
                if (!e.getValue().isObject()) {
                    throw new IOException(file + ": safetensors __metadata__ must be an object of strings");
                }
                e.getValue().fields().forEachRemaining(m -> metadata.put(m.getKey(), m.getValue().asText()));
                continue;
            }
            tensors.put(e.getKey(), tensorInfo(file, e.getKey(), e.getValue(), dataLen));
        }
        return new Header(tensors, metadata, dataStart);
    }

    /** One tensor's entry, checked: a known dtype, a shape of non-negative integers, a byte range inside the data. */
    private static TensorInfo tensorInfo(String file, String name, JsonNode t, long dataLen) throws IOException {
        String where = file + ": tensor '" + name + "'";
        if (!t.isObject()) {
            throw new IOException(where + ": expected {dtype, shape, data_offsets}, got " + t.getNodeType());
        }
        Dtype dtype;
        try {
            dtype = Dtype.valueOf(t.path("dtype").asText());
        } catch (IllegalArgumentException ex) {
            throw new IOException(where + " has unsupported dtype '" + t.path("dtype").asText()
                    + "' (supported: F32, F16, BF16, I64, I32, I8)");
        }
        JsonNode shapeNode = t.path("shape");
        JsonNode offsets = t.path("data_offsets");
        if (!shapeNode.isArray() || !offsets.isArray() || offsets.size() != 2 || !offsets.get(0).canConvertToLong()
                || !offsets.get(1).canConvertToLong() || !offsets.get(0).isIntegralNumber()
                || !offsets.get(1).isIntegralNumber()) {
            throw new IOException(where + ": needs a shape array and data_offsets [begin, end] of integers");
        }
        long[] shape = new long[shapeNode.size()];
        long numel = 1;
        for (int i = 0; i < shape.length; i++) {
            JsonNode d = shapeNode.get(i);
            if (!d.isIntegralNumber() || !d.canConvertToLong() || d.asLong() < 0) {
                throw new IOException(where + ": shape " + shapeNode + " must hold non-negative integers");
            }
            shape[i] = d.asLong();
            numel = shape[i] == 0 || numel <= Long.MAX_VALUE / shape[i] ? numel * shape[i] : -1; // -1: overflow
        }
        long begin = offsets.get(0).asLong();
        long end = offsets.get(1).asLong();
        if (numel < 0 || numel > Long.MAX_VALUE / dtype.bytes || end - begin != numel * dtype.bytes || end > dataLen
                || begin < 0 || end < begin) {
            throw new IOException(where + " byte range [" + begin + ", " + end
                    + ") does not fit its shape or the file (data section " + dataLen + " bytes; truncated file?)");
        }
        return new TensorInfo(name, dtype, shape, begin, end);
    }

    /**
     * Reads every tensor into {@code manager}. Floating types come back as F32, integers as
     * INT64/INT32. Large files are memory-mapped rather than copied onto the Java heap.
     */
    public static Map<String, NDArray> read(Path file, NDManager manager) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            Header header = readHeader(ch, file);
            Map<String, NDArray> out = new LinkedHashMap<>();
            for (TensorInfo info : header.tensors().values()) {
                long len = info.end() - info.begin();
                if (len > Integer.MAX_VALUE) {
                    throw new IOException(file + ": tensor '" + info.name() + "' has " + len
                            + " bytes; tensors over 2 GiB are not supported (split the weight or store it in F16/BF16)");
                }
                ByteBuffer raw = ch.map(FileChannel.MapMode.READ_ONLY, header.dataStart() + info.begin(), len)
                        .order(ByteOrder.LITTLE_ENDIAN);
                NDArray array = toNDArray(raw, info, manager);
                MappedFiles.unmap(raw); // the tensor is a copy now; keep one tensor mapped at a time, not the file
                array.setName(info.name());
                out.put(info.name(), array);
            }
            return out;
        }
    }

    /**
     * Floating tensors are handed to libtorch straight from the memory-mapped file and converted
     * (or, for F32, copied) there, so the weights end up in memory libtorch owns: no Java heap
     * array and no Java direct buffer (whose limit, -XX:MaxDirectMemorySize, would cap the model
     * size), and a checkpoint larger than the heap loads. The mapped view is only read during the
     * conversion; a tensor larger than 2 GB cannot be mapped as one view and is refused by name.
     */
    private static NDArray toNDArray(ByteBuffer raw, TensorInfo info, NDManager manager) {
        Shape shape = new Shape(info.shape());
        int n = (int) shape.size();
        switch (info.dtype()) {
            case F32:
            case F16: {
                DataType stored = info.dtype() == Dtype.F32 ? DataType.FLOAT32 : DataType.FLOAT16;
                try (NDManager view = manager.newSubManager()) {
                    NDArray mapped = view.create(raw, shape, stored); // over the file's bytes, not owned
                    NDArray owned = stored == DataType.FLOAT32 ? mapped.duplicate() : mapped.toType(DataType.FLOAT32, false);
                    owned.attach(manager);
                    return owned;
                }
            }
            case BF16: {
                // libtorch through DJL cannot take bfloat16 bytes (it aborts the process), so the
                // widening (bf16 = the top 16 bits of an f32) happens here, one tensor at a time.
                float[] f = new float[n];
                for (int i = 0; i < n; i++) {
                    f[i] = Float.intBitsToFloat((raw.getShort(i * 2) & 0xFFFF) << 16);
                }
                try (NDManager view = manager.newSubManager()) {
                    NDArray owned = view.create(f, shape).duplicate(); // (shape) in libtorch-owned memory
                    owned.attach(manager);
                    return owned;
                }
            }
            case I64: {
                long[] v = new long[n];
                raw.asLongBuffer().get(v);
                return manager.create(v, shape);
            }
            case I32: {
                int[] v = new int[n];
                raw.asIntBuffer().get(v);
                return manager.create(v, shape);
            }
            case I8: {
                byte[] v = new byte[n];
                raw.get(v);
                return manager.create(ByteBuffer.wrap(v), shape, DataType.INT8);
            }
            default:
                throw new IllegalStateException("unreachable");
        }
    }

    /** Writes F32 tensors as F32, integer tensors as I64/I32/I8 (atomic; names sorted as HF does). */
    public static void write(Path file, Map<String, NDArray> tensors, Map<String, String> metadata)
            throws IOException {
        write(file, tensors, metadata, Dtype.F32);
    }

    /**
     * Writes tensors; floating-point arrays are stored as {@code floatType} (F32, F16 or BF16,
     * BF16 rounded to nearest even).
     */
    public static void write(Path file, Map<String, NDArray> tensors, Map<String, String> metadata,
            Dtype floatType) throws IOException {
        if (floatType != Dtype.F32 && floatType != Dtype.F16 && floatType != Dtype.BF16) {
            throw new IllegalArgumentException("floatType must be F32, F16 or BF16, got " + floatType);
        }
        Map<String, NDArray> sorted = new TreeMap<>(tensors);
        ObjectNode header = JSON.createObjectNode();
        ObjectNode meta = header.putObject("__metadata__");
        meta.put("format", "pt");
        if (metadata != null) {
            metadata.forEach(meta::put);
        }
        // the header first, from shapes alone; then each tensor's bytes, made and written one at a
        // time, so that the Java heap holds one tensor at most (a model and its optimizer moments
        // can be several times the heap)
        long offset = 0;
        for (Map.Entry<String, NDArray> e : sorted.entrySet()) {
            NDArray a = e.getValue();
            Dtype dtype = storedType(e.getKey(), a.getDataType(), floatType);
            long size = a.getShape().size() * dtype.bytes;
            ObjectNode t = header.putObject(e.getKey());
            t.put("dtype", dtype.name());
            var shapeNode = t.putArray("shape");
            for (long d : a.getShape().getShape()) {
                shapeNode.add(d);
            }
            var off = t.putArray("data_offsets");
            off.add(offset);
            off.add(offset + size);
            offset += size;
        }
        byte[] headerBytes = JSON.writeValueAsString(header).getBytes(StandardCharsets.UTF_8);
        int pad = (8 - headerBytes.length % 8) % 8; // the spec pads the header with spaces to 8 bytes
        byte[] padded = new byte[headerBytes.length + pad];
        System.arraycopy(headerBytes, 0, padded, 0, headerBytes.length);
        for (int i = headerBytes.length; i < padded.length; i++) {
            padded[i] = ' ';
        }
        AtomicFiles.write(file, out -> {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded.length);
            out.write(len.array());
            out.write(padded);
            for (Map.Entry<String, NDArray> e : sorted.entrySet()) {
                out.write(encode(e.getValue(), storedType(e.getKey(), e.getValue().getDataType(), floatType)));
            }
        });
    }

    /** How a tensor of {@code dt} is stored: integers as they are, floating point as {@code floatType}. */
    private static Dtype storedType(String name, DataType dt, Dtype floatType) {
        if (dt == DataType.INT64) {
            return Dtype.I64;
        } else if (dt == DataType.INT32) {
            return Dtype.I32;
        } else if (dt == DataType.INT8) {
            return Dtype.I8;
        } else if (dt.isFloating()) {
            return floatType;
        }
        throw new IllegalArgumentException("tensor '" + name + "': cannot store dtype " + dt);
    }

    /** The little-endian bytes of {@code a} stored as {@code dtype}. */
    private static byte[] encode(NDArray a, Dtype dtype) {
        return switch (dtype) {
            case I64 -> littleEndian(a.toLongArray());
            case I32 -> littleEndian(a.toIntArray());
            case I8 -> a.toByteArray();
            default -> {
                NDArray f32 = a.toType(DataType.FLOAT32, false); // a itself when already FLOAT32
                float[] values = f32.toFloatArray();
                if (f32 != a) {
                    f32.close(); // a converted copy: freed now, not when a's manager closes
                }
                yield encodeFloats(values, dtype);
            }
        };
    }

    private static byte[] encodeFloats(float[] f, Dtype type) {
        if (type == Dtype.F32) {
            ByteBuffer b = ByteBuffer.allocate(f.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            b.asFloatBuffer().put(f);
            return b.array();
        }
        ByteBuffer b = ByteBuffer.allocate(f.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < f.length; i++) {
            short s;
            if (type == Dtype.F16) {
                s = Half.fromFloat(f[i]);
            } else {
                int bits = Float.floatToRawIntBits(f[i]);
                if (Float.isNaN(f[i])) {
                    s = (short) 0x7FC0;
                } else {
                    int rounding = 0x7FFF + ((bits >>> 16) & 1);
                    s = (short) ((bits + rounding) >>> 16);
                }
            }
            b.putShort(i * 2, s);
        }
        return b.array();
    }

    private static byte[] littleEndian(long[] v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        b.asLongBuffer().put(v);
        return b.array();
    }

    private static byte[] littleEndian(int[] v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asIntBuffer().put(v);
        return b.array();
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long position, Path file) throws IOException {
        long pos = position;
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos);
            if (n < 0) {
                throw new IOException(file + ": unexpected end of file (truncated safetensors?)");
            }
            pos += n;
        }
    }

    /** Convenience used by tests and tools. */
    static void writeRaw(Path file, byte[] bytes) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(bytes);
        }
    }
}
