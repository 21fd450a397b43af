package dev.promptlab.fuzz;

import java.util.concurrent.Callable;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * What every reader's fuzz property checks of one input: the reader returns, or throws one of its
 * documented exception types with a message that names the file; anything else (a
 * NullPointerException, an IndexOutOfBounds, a Jackson or native error leaking out) fails, and so
 * does an input that takes longer than {@link #SLOW_MILLIS} (a hang in the making).
 */
final class FuzzCheck {
    static final long SLOW_MILLIS = 3000;
    /**
     * The properties' seed: fixed, so the default suite tries the same few hundred inputs each run
     * and the reliability profile the same 100,000 (a failure is reproducible, never a flake);
     * change it to explore other inputs.
     */
    static final String SEED = "20261201";

    private FuzzCheck() {}

    /**
     * Runs {@code read}; returns its result, or null when it threw a {@code documented} exception
     * whose message names {@code name}.
     */
    static <T> T readOrRefuse(String name, byte[] input, Class<? extends Exception> documented, Callable<T> read) {
        long start = System.nanoTime();
        try {
            return read.call();
        } catch (Exception e) {
            if (!documented.isInstance(e)) {
                AssertionError failure = new AssertionError("undocumented " + e + " for input:\n" + Mutations.show(input));
                failure.initCause(e);
                throw failure;
            }
            assertTrue(e.getMessage() != null && e.getMessage().contains(name), "the message names the file: "
                    + e.getMessage());
            assertTrue(!e.getMessage().contains("\n"), "one line: " + e.getMessage());
            return null;
        } catch (StackOverflowError e) {
            fail("stack overflow for input:\n" + Mutations.show(input));
            return null;
        } finally {
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(millis < SLOW_MILLIS, millis + " ms for one input:\n" + Mutations.show(input));
        }
    }
}
