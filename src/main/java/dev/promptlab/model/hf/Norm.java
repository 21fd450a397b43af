package dev.promptlab.model.hf;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.promptlab.tensor.Scalars;

import java.util.Map;

/** A normalisation over the last axis, x (..., C) → (..., C): LayerNorm or RMSNorm. */
public interface Norm {
    NDArray apply(NDArray x);

    /** The LayerNorm {@code module}: gain {@code module.weight} and bias {@code module.bias}, each (C). */
    static Norm layerNorm(Map<String, NDArray> params, String module, double eps) {
        return new LayerNorm(params.get(module + ".weight"), params.get(module + ".bias"), eps);
    }

    /** LayerNorm with gain and bias (biased variance, as torch computes it). */
    record LayerNorm(NDArray gain, NDArray bias, double eps) implements Norm {
        @Override
        public NDArray apply(NDArray x) {
            Shape s = x.getShape();
            return x.getNDArrayInternal().layerNorm(x, new Shape(s.get(s.dimension() - 1)), gain, bias, (float) eps)
                    .singletonOrThrow(); // (..., C), on x's manager
        }
    }

    /** RMSNorm in float32, as llama's: x / sqrt(mean(x²) + eps) · gain. */
    record RmsNorm(NDArray gain, double eps) implements Norm {
        @Override
        public NDArray apply(NDArray x) {
            NDArray meanSquare = x.square().mean(new int[] {-1}, true); // (..., 1)
            NDArray rms = meanSquare.add(Scalars.like(meanSquare, eps)).sqrt(); // (..., 1)
            return x.div(rms).mul(gain); // (..., C)
        }
    }
}
