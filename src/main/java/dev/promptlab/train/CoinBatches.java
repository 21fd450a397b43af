package dev.promptlab.train;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.promptlab.task.builtin.coins.CoinSequences;
import dev.promptlab.task.builtin.coins.CoinSource;
import dev.promptlab.tensor.Rng;

/**
 * Fresh coin sequences for every training step (meta-training and tuning never repeat a
 * sequence). For multi-prompt batching the batch is {@code prompts} blocks of
 * {@code perPrompt} rows, each block drawn independently, so row r belongs to prompt
 * r / perPrompt.
 */
public final class CoinBatches implements BatchSource {
    private final CoinSource source;
    private final int rows;
    private final int length;
    private final Rng rng;

    /**
     * @param perPrompt sequences per prompt and step
     * @param prompts number of independent prompts (1 without multi-prompt batching)
     * @param length symbols per sequence
     */
    public CoinBatches(CoinSource source, int perPrompt, int prompts, int length, long seed) {
        if (perPrompt < 1 || prompts < 1 || length < 1) {
            throw new IllegalArgumentException("need at least one prompt, one sequence per prompt and one symbol, got "
                    + prompts + " prompts, " + perPrompt + " sequences per prompt, length " + length);
        }
        this.source = source;
        this.rows = perPrompt * prompts;
        this.length = length;
        this.rng = new Rng(seed);
    }

    @Override
    public Batch next(NDManager manager) {
        CoinSequences s = source.sample(rows, length, rng);
        // every symbol counts: the ids carry BOS first, so no position is a prompt or padding
        return new Batch(s.inputIds(manager), s.targetIds(manager), manager.ones(new Shape(rows, length))); // (B, N)
    }

    @Override
    public long[] state() {
        return new long[] {rng.state()};
    }

    @Override
    public void restore(long[] state) {
        rng.restore(state[0]);
    }
}
