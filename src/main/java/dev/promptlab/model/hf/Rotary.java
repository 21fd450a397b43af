package dev.promptlab.model.hf;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Rotary position embeddings (RoPE) in Hugging Face's rotate_half convention: the first half of
 * each head pairs with the second half, not interleaved. With θ_i = pos · inv_freq_i,
 * x' = x · cos(θ ++ θ) + rotate_half(x) · sin(θ ++ θ), rotate_half(x) = (−x₂, x₁). Queries and
 * keys of the new tokens are rotated; prefix and cached keys are used as given.
 *
 * <p>The frequencies, with transformers' {@code rope_scaling} types: {@link #frequencies} (none /
 * "default"), {@link #linear} and {@link #llama3}.
 */
public final class Rotary {
    private final double[] inverseFrequencies;

    /** @param inverseFrequencies inv_freq, one per rotated pair (D / 2), scaling already applied */
    public Rotary(double[] inverseFrequencies) {
        this.inverseFrequencies = inverseFrequencies.clone();
    }

    /** Unscaled frequencies 1 / theta^(2i / D), i < D / 2. */
    public static double[] frequencies(double theta, int headSize) {
        double[] inv = new double[headSize / 2];
        for (int i = 0; i < inv.length; i++) {
            inv[i] = 1.0 / Math.pow(theta, 2.0 * i / headSize);
        }
        return inv;
    }

    /** rope_scaling "linear" (position interpolation): every frequency divided by {@code factor}. */
    public static double[] linear(double[] inv, double factor) {
        double[] out = new double[inv.length];
        for (int i = 0; i < inv.length; i++) {
            out[i] = inv[i] / factor;
        }
        return out;
    }

    /**
     * rope_scaling "llama3" (Llama 3.1, transformers' _compute_llama3_parameters): wavelengths
     * longer than original / low are interpolated (divided by {@code factor}), those shorter than
     * original / high are kept, and those in between blend smoothly. Needs high > low.
     */
    public static double[] llama3(double[] inv, double factor, double low, double high, double originalContext) {
        double lowWavelen = originalContext / low;
        double highWavelen = originalContext / high;
        double[] out = new double[inv.length];
        for (int i = 0; i < inv.length; i++) {
            double wavelen = 2 * Math.PI / inv[i];
            if (wavelen > lowWavelen) {
                out[i] = inv[i] / factor; // long wavelengths: interpolated
            } else if (wavelen < highWavelen) {
                out[i] = inv[i]; // short wavelengths: kept
            } else {
                double smooth = (originalContext / wavelen - low) / (high - low);
                out[i] = (1 - smooth) * inv[i] / factor + smooth * inv[i];
            }
        }
        return out;
    }

    /**
     * cos(θ ++ θ) and (−sin θ ++ sin θ) for positions start .. start + T − 1, (T, D) each:
     * computed in double on the host (T · D values) straight into {@code tmp}, once per forward
     * pass and shared by every layer, so no long-lived table outlives a step.
     */
    NDArray[] tables(NDManager tmp, int start, int t) {
        int half = inverseFrequencies.length;
        int d = 2 * half;
        float[] cos = new float[t * d];
        float[] sin = new float[t * d];
        for (int i = 0; i < t; i++) {
            for (int j = 0; j < half; j++) {
                double angle = (double) (start + i) * inverseFrequencies[j];
                float cs = (float) Math.cos(angle);
                float sn = (float) Math.sin(angle);
                cos[i * d + j] = cs;
                cos[i * d + half + j] = cs;
                sin[i * d + j] = -sn; // the first half receives −x₂ · sin
                sin[i * d + half + j] = sn; // the second half receives x₁ · sin
            }
        }
        return new NDArray[] {tmp.create(cos, new Shape(t, d)), tmp.create(sin, new Shape(t, d))}; // (T, D) each
    }

    /** x · cos + swap_halves(x) · signedSin, which is HF's x · cos + rotate_half(x) · sin; x (B, N, T, D). */
    static NDArray rotate(NDArray x, NDArray[] tables) {
        NDList halves = x.split(new long[] {x.getShape().get(3) / 2}, 3); // x₁, x₂: (B, N, T, D/2) each
        NDArray swapped = halves.get(1).concat(halves.get(0), 3); // (B, N, T, D): (x₂, x₁)
        return x.mul(tables[0]).add(swapped.mul(tables[1])); // (B, N, T, D)
    }
}
