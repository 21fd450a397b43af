package dev.promptlab.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.promptlab.tensor.Rng;

/**
 * Times a soft-prompt training step on GPT-2-small shapes (12 layers, C 768, 12 heads, V 50257,
 * batch 8, 148 tokens): forward + backward to the input embeddings only, against the machine's
 * sgemm rate. Not a unit test (benchmarks are programs); run with
 * {@code java -cp ... dev.promptlab.model.GptStepBench [steps]}.
 */
public final class GptStepBench {
    private GptStepBench() {}

    public static void main(String[] args) {
        int steps = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        int b = 8;
        int t = 148;
        ModelConfig c = new ModelConfig("gpt", 50257, 1024, 768, 12, 12, 3072, 1e-5, 50256, 50256);
        try (NDManager root = NDManager.newBaseManager()) {
            double gemm = sgemmRate(root);
            System.out.printf("sgemm (1184x768)x(768x3072): %.1f GFLOP/s%n", gemm);
            long t0 = System.nanoTime();
            try (Gpt model = Gpt.init(c, root, new Rng(0))) {
                System.out.printf("init %.1f s, %d parameters%n", (System.nanoTime() - t0) / 1e9, model.parameterCount());
                Rng rng = new Rng(1);
                double flops = stepFlops(c, b, t);
                for (int s = 0; s < steps + 1; s++) {
                    try (NDManager step = root.newSubManager()) {
                        NDArray ids = TinyModels.ids(step, rng, b, t, c.vocabSize());
                        NDArray emb = model.embed(ids).duplicate(); // (B, T, C)
                        emb.setRequiresGradient(true);
                        long start = System.nanoTime();
                        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                            NDArray logits = model.forward(ModelInput.ofEmbeddings(emb)).logits(); // (B, T, V)
                            NDArray loss = logits.logSoftmax(-1).get(":, :, 0").mean().neg();
                            gc.backward(loss);
                        }
                        NDArray g = emb.getGradient();
                        g.sum().getFloat();
                        double sec = (System.nanoTime() - start) / 1e9;
                        System.out.printf("step %d: %.2f s, %.1f GFLOP/s (%.2f of sgemm)%s%n", s, sec, flops / sec / 1e9,
                                flops / sec / 1e9 / gemm, s == 0 ? " (warm-up)" : "");
                    }
                }
            }
        }
    }

    /** Matmul FLOPs of forward + backward-to-inputs (2x forward), attention included. */
    static double stepFlops(ModelConfig c, int b, int t) {
        double n = (double) b * t;
        double d = c.hiddenSize();
        double perLayer = 2 * n * d * (3 * d + d + 2 * c.innerSize()) + 2 * 2 * b * (double) t * t * d;
        double fwd = c.numLayers() * perLayer + 2 * n * d * c.vocabSize();
        return 2 * fwd;
    }

    static double sgemmRate(NDManager root) {
        try (NDManager m = root.newSubManager()) {
            NDArray a = m.randomNormal(new Shape(1184, 768));
            NDArray w = m.randomNormal(new Shape(768, 3072));
            for (int i = 0; i < 3; i++) {
                a.matMul(w).close();
            }
            int reps = 20;
            long start = System.nanoTime();
            for (int i = 0; i < reps; i++) {
                a.matMul(w).close();
            }
            double sec = (System.nanoTime() - start) / 1e9;
            return reps * 2.0 * 1184 * 768 * 3072 / sec / 1e9;
        }
    }
}
