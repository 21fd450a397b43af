package dev.promptlab.adapt;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptlab.model.LanguageModel;
import dev.promptlab.tensor.Rng;
import dev.promptlab.tokenize.Tokenizer;

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
 *     equals a target or ends with "." + target (e.g. "c_attn", "q_proj", "attn.q"); empty means
 *     the model's PEFT default ({@link LanguageModel#defaultLoraTargets()}), resolved when the
 *     adapter is created
 */
public record LoraConfig(int rank, double alpha, double dropout, List<String> targets) implements MethodConfig {
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
        targets = targets == null ? List.of() : targets;
        if (targets.stream().anyMatch(t -> t == null || t.isBlank())) {
            throw new IllegalArgumentException("LoRA target module names must not be blank, got " + targets);
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

    /** The same settings with the targets {@code model} defaults to when none were named. */
    public LoraConfig resolvedFor(LanguageModel model) {
        return new LoraConfig(rank, alpha, dropout, Lora.targetsOrDefault(targets, model));
    }

    @Override
    public String method() {
        return Lora.METHOD;
    }

    @Override
    public Adapter create(LanguageModel model, Tokenizer tokenizer, Rng rng) {
        return Lora.create(this, model, rng);
    }

    @Override
    public void writeJson(ObjectNode json) {
        json.put("lora_rank", rank);
        json.put("lora_alpha", alpha);
        json.put("lora_dropout", dropout);
        if (!targets.isEmpty()) {
            targets.forEach(json.putArray("target_modules")::add);
        }
    }

    @Override
    public int contextPositions() {
        return 0;
    }
}
