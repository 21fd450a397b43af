package dev.promptlab.adapt;

import java.util.List;

/**
 * Configuration of {@link Lora} (PEFT's LORA).
 *
 * @param rank r
 * @param alpha the addition is scaled by alpha / r (alpha = r: unscaled, as the Bayesian
 *     prompting study's authors do)
 * @param dropout probability of zeroing an element of the layer input before the LoRA down
 *     projection, during training only (PEFT's lora_dropout); in [0, 1)
 * @param targets modules to adapt, as PEFT matches {@code target_modules}: a module whose path
 *     equals a target or ends with "." + target (e.g. "c_attn", "q_proj", "attn.q")
 */
public record LoraConfig(int rank, double alpha, double dropout, List<String> targets) {
    public LoraConfig {
        if (rank < 1 || rank > 4096) {
            throw new IllegalArgumentException("LoRA rank must be in [1, 4096], got " + rank);
        }
        if (!(alpha > 0)) {
            throw new IllegalArgumentException("LoRA alpha must be > 0, got " + alpha);
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("LoRA dropout must be in [0, 1), got " + dropout);
        }
        if (targets == null || targets.isEmpty() || targets.stream().anyMatch(t -> t == null || t.isBlank())) {
            throw new IllegalArgumentException("LoRA needs at least one target module name, got " + targets);
        }
        targets = List.copyOf(targets);
    }

    /** No dropout. */
    public LoraConfig(int rank, double alpha, List<String> targets) {
        this(rank, alpha, 0, targets);
    }

    /** Rank {@code rank}, unscaled, on the attention projections q, k, v and out. */
    public static LoraConfig attention(int rank) {
        return new LoraConfig(rank, rank, List.of("attn.q", "attn.k", "attn.v", "attn.out"));
    }

    /** Whether the module at {@code modulePath} is a target (PEFT's suffix rule). */
    public boolean targets(String modulePath) {
        return targets.stream().anyMatch(t -> modulePath.equals(t) || modulePath.endsWith("." + t));
    }
}
