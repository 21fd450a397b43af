package dev.promptlab.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.promptlab.adapt.Adapter;
import dev.promptlab.adapt.PromptEmbeddings;
import dev.promptlab.model.LanguageModel;
import dev.promptlab.tensor.Scalars;
import dev.promptlab.tensor.Scopes;

/**
 * The waywardness term γ·‖P − T‖²/L (Khashabi et al. 2022): the squared Frobenius distance of a
 * prompt's virtual token embeddings P (L, C) to a fixed target matrix T (L, C), usually the
 * embeddings of a target text, per token. With γ = 0 it is left out of the objective entirely
 * ({@link #of} returns null), so a γ = 0 prompt trains exactly as without it.
 */
public final class TargetDistance implements PromptTerm {
    private final double gamma;
    private final NDArray target; // (L, C), owned by the caller

    private TargetDistance(double gamma, NDArray target) {
        this.gamma = gamma;
        this.target = target;
    }

    /**
     * The term for weight {@code gamma} (≥ 0) and target (L, C), or null for γ = 0.
     *
     * @param target stays owned by the caller and must outlive training; it never receives a gradient
     */
    public static TargetDistance of(double gamma, NDArray target) {
        if (!(gamma >= 0) || Double.isInfinite(gamma)) {
            throw new IllegalArgumentException("gamma must be a finite number >= 0, got " + gamma);
        }
        if (target.getShape().dimension() != 2 || target.getShape().get(0) < 1) {
            throw new IllegalArgumentException("the target must be (L, C) with L >= 1, got " + target.getShape());
        }
        return gamma == 0 ? null : new TargetDistance(gamma, target);
    }

    public double gamma() {
        return gamma;
    }

    @Override
    public NDArray value(Adapter prompt, LanguageModel model, NDManager scope) {
        if (!(prompt instanceof PromptEmbeddings p)) {
            throw new IllegalArgumentException("a target distance needs a prompt of virtual token embeddings; "
                    + prompt.method() + " has none");
        }
        NDArray vectors = p.virtualEmbeddings(scope, model); // (L, C)
        if (!vectors.getShape().equals(target.getShape())) {
            throw new IllegalArgumentException("the prompt is " + vectors.getShape() + " but its target is "
                    + target.getShape() + "; the prompt length must be the target's token count");
        }
        NDArray t = Scopes.into(scope, target.stopGradient()); // (L, C), no gradient
        NDArray squared = vectors.sub(t).square().sum(); // ()
        return squared.mul(Scalars.like(squared, gamma / target.getShape().get(0))); // ()
    }
}
