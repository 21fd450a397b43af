package dev.promptlab.tensor;

/**
 * A small, fast, seedable random number generator whose whole state is one {@code long}, so a
 * checkpoint can store it and a resumed run continues the exact same stream (java.util.Random
 * and SplittableRandom do not expose their state).
 *
 * <p>The generator is SplitMix64 (Steele, Lea, Flood 2014): statistically solid for sampling
 * batches and initialising weights, and trivially reproducible in any language.
 */
public final class Rng {
    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;
    private long state;

    public Rng(long seed) {
        this.state = seed;
    }

    /** The full state; {@code new Rng(0).restore(s)} continues exactly where this one stands. */
    public long state() {
        return state;
    }

    public Rng restore(long savedState) {
        this.state = savedState;
        return this;
    }

    /** An independent generator derived from this one's next output (for sub-streams). */
    public Rng split() {
        return new Rng(nextLong());
    }

    public long nextLong() {
        long z = (state += GOLDEN_GAMMA);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Uniform in [0, 1) with 53 bits of precision. */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** Uniform integer in [0, bound). */
    public int nextInt(int bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("bound must be positive, got " + bound);
        }
        // Lemire's multiply-shift on the high 32 bits; the bias is below 2^-32 for our bounds.
        return (int) (((nextLong() >>> 32) * bound) >>> 32);
    }

    /** Standard normal by Box-Muller (one value per call; the second is discarded for simplicity). */
    public double nextGaussian() {
        double u1 = nextDouble();
        double u2 = nextDouble();
        if (u1 < 1e-300) {
            u1 = 1e-300;
        }
        return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2.0 * Math.PI * u2);
    }

    /** {@code n} normal samples with the given standard deviation. */
    public float[] gaussians(int n, double std) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) (nextGaussian() * std);
        }
        return out;
    }

    /** Fisher-Yates shuffle of {@code 0..n-1}. */
    public int[] permutation(int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
