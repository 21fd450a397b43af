package dev.promptlab.tensor;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;

/**
 * Releases a memory-mapped view as soon as its bytes have been copied. Java unmaps a
 * {@code MappedByteBuffer} only when the garbage collector finds it unreachable, so reading a
 * multi-gigabyte checkpoint tensor by tensor would otherwise keep the whole file mapped (and
 * counted in the process's resident memory, once per load) on top of the weights made from it.
 * Uses {@code sun.misc.Unsafe.invokeCleaner} (module jdk.unsupported, present in every JDK 9+);
 * where it is unavailable, the view is left to the garbage collector as before.
 */
final class MappedFiles {
    private static final Object UNSAFE;
    private static final Method INVOKE_CLEANER;

    static {
        Object unsafe = null;
        Method invoke = null;
        try {
            Class<?> cls = Class.forName("sun.misc.Unsafe");
            Field f = cls.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            unsafe = f.get(null);
            invoke = cls.getMethod("invokeCleaner", ByteBuffer.class);
        } catch (ReflectiveOperationException | RuntimeException e) {
            unsafe = null;
            invoke = null;
        }
        UNSAFE = unsafe;
        INVOKE_CLEANER = invoke;
    }

    private MappedFiles() {}

    /** Unmaps {@code buffer} (a view returned by {@code FileChannel.map}); it must not be used afterwards. */
    static void unmap(ByteBuffer buffer) {
        if (INVOKE_CLEANER == null || !buffer.isDirect()) {
            return;
        }
        try {
            INVOKE_CLEANER.invoke(UNSAFE, buffer);
        } catch (ReflectiveOperationException | RuntimeException e) {
            // not a mapping we own (slice/duplicate) or the JDK refuses: the collector unmaps it later
        }
    }
}
