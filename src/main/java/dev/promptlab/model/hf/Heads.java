package dev.promptlab.model.hf;

/**
 * The attention heads of a model: H query heads and KV key/value heads of D values each. With
 * grouped-query attention (llama, mistral, qwen2) KV divides H and query head h reads key/value
 * head h / (H / KV), as Hugging Face's {@code repeat_kv} arranges them; otherwise KV = H.
 *
 * @param queries H
 * @param keyValues KV, a divisor of H
 * @param size D
 */
public record Heads(int queries, int keyValues, int size) {
    public Heads {
        if (queries <= 0 || keyValues <= 0 || size <= 0 || queries % keyValues != 0) {
            throw new IllegalArgumentException("attention needs positive heads, key/value heads dividing them and a "
                    + "positive head size, got " + queries + " heads, " + keyValues + " key/value heads, size " + size);
        }
    }

    /** Multi-head attention: as many key/value heads as query heads. */
    public static Heads multiHead(int heads, int size) {
        return new Heads(heads, heads, size);
    }

    /** G = H / KV: query heads per key/value head. */
    public int groups() {
        return queries / keyValues;
    }

    /** 1 / sqrt(D): the scale of q·kᵀ in every architecture here. */
    public double scale() {
        return 1.0 / Math.sqrt(size);
    }
}
