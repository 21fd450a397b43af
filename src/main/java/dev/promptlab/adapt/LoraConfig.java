package dev.promptlab.adapt;

import java.util.List;

/**
 * Configuration of {@link Lora}.
 *
 * @param rank r
 * @param alpha the addition is scaled by alpha / r (alpha = r: unscaled, as the Bayesian
 *     prompting study's authors do)
 * @param targets suffixes of the weight names to adapt (e.g. "attn.q.weight")
 */
public record LoraConfig(int rank, double alpha, List<String> targets) {
    public LoraConfig {
        if (rank < 1 || rank > 4096) {
            throw new IllegalArgumentException("LoRA rank must be in [1, 4096], got " + rank);
        }
        if (!(alpha > 0)) {
            throw new IllegalArgumentException("LoRA alpha must be > 0, got " + alpha);
        }
        if (targets == null || targets.isEmpty()) {
            throw new IllegalArgumentException("LoRA needs at least one target weight name");
        }
        targets = List.copyOf(targets);
    }

    /** Rank {@code rank}, unscaled, on the attention projections q, k, v and out. */
    public static LoraConfig attention(int rank) {
        return new LoraConfig(rank, rank, List.of("attn.q.weight", "attn.k.weight", "attn.v.weight", "attn.out.weight"));
    }
}
