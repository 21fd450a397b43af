package dev.promptlab.study;

import dev.promptlab.analysis.HardPrefixSearch;
import dev.promptlab.model.CoinModels;

import java.util.LinkedHashSet;
import java.util.List;

/**
 * Settings of the Bayesian prompting study; {@link #full()} follows the paper, {@link #quick()}
 * shrinks steps, batches, repetitions and evaluation sizes so that the whole study runs in
 * minutes on two CPU cores and still shows the picture. Validated on construction.
 *
 * @param preset name of the preset these settings came from ("full", "quick", or "custom")
 * @param networks coin networks to study ("lstm", "transformer")
 * @param pretrained whether to study networks meta-trained on random coins
 * @param untrained whether to study randomly initialised (untrained) networks
 * @param hidden width C of both networks
 * @param heads attention heads of the transformer
 * @param inner MLP width of the transformer
 * @param pretrainSteps meta-training steps (fresh sequences every step)
 * @param pretrainBatch sequences per meta-training step
 * @param pretrainLength symbols per meta-training sequence
 * @param pretrainLr Adam's learning rate for meta-training (constant)
 * @param tuneSteps tuning steps of every gradient-based method
 * @param tuneBatch target sequences per tuning step (per repetition)
 * @param tuneLength symbols per tuning sequence (also the hard-prefix scoring length)
 * @param prefixLr Adam's learning rate for the prefix methods (constant)
 * @param weightLr Adam's learning rate for the weight-tuning methods (constant)
 * @param clip gradient-norm clip (per repetition)
 * @param reps repetitions (seeds) of every method that has randomness
 * @param prefixLength prefix length L of every prefix method (HardPT searches all 2^L)
 * @param loraRank rank of LoRAWT's matrices
 * @param hardPrefixSequences target sequences that score the 2^L hard prefixes
 * @param evalSequences evaluation sequences per target (the same for every method)
 * @param evalLength symbols per evaluation sequence (regret is reported at n = 50, 100, 200)
 * @param seed seeds everything (initialisation, data, prefixes)
 */
public record BayesStudyConfig(String preset, List<String> networks, boolean pretrained, boolean untrained, int hidden,
        int heads, int inner, int pretrainSteps, int pretrainBatch, int pretrainLength, double pretrainLr, int tuneSteps,
        int tuneBatch, int tuneLength, double prefixLr, double weightLr, double clip, int reps, int prefixLength,
        int loraRank, int hardPrefixSequences, int evalSequences, int evalLength, long seed) {

    /** The positions n at which regret is tabulated. */
    public static final List<Integer> CHECKPOINTS = List.of(50, 100, 200);

    public BayesStudyConfig {
        if (networks == null || networks.isEmpty()) {
            throw new IllegalArgumentException("choose at least one network (allowed: " + String.join(", ", CoinModels.NAMES)
                    + ")");
        }
        for (String n : networks) {
            if (!CoinModels.NAMES.contains(n)) {
                throw new IllegalArgumentException("unknown network '" + n + "' (allowed: "
                        + String.join(", ", CoinModels.NAMES) + ")");
            }
        }
        if (new LinkedHashSet<>(networks).size() != networks.size()) {
            throw new IllegalArgumentException("network listed twice in " + networks);
        }
        networks = List.copyOf(networks);
        if (!pretrained && !untrained) {
            throw new IllegalArgumentException("study pretrained or untrained networks, or both (neither was chosen)");
        }
        range("hidden size", hidden, 2, 4096);
        range("heads", heads, 1, 64);
        if (hidden % heads != 0 || hidden % 2 != 0) {
            throw new IllegalArgumentException("hidden size " + hidden + " must be even and divisible by heads " + heads);
        }
        range("MLP width", inner, 1, 65536);
        range("pretraining steps", pretrainSteps, 1, 1_000_000);
        range("pretraining batch", pretrainBatch, 1, 65536);
        range("pretraining length", pretrainLength, 1, 4096);
        rate("pretraining learning rate", pretrainLr);
        range("tuning steps", tuneSteps, 1, 1_000_000);
        range("tuning batch", tuneBatch, 1, 65536);
        range("tuning length", tuneLength, 1, 4096);
        rate("prefix learning rate", prefixLr);
        rate("weight learning rate", weightLr);
        if (!(clip >= 0) || Double.isInfinite(clip)) {
            throw new IllegalArgumentException("gradient clip must be >= 0 (0 disables), got " + clip);
        }
        range("repetitions", reps, 1, 1000);
        range("prefix length", prefixLength, 1, Math.min(12, HardPrefixSearch.MAX_LENGTH));
        range("LoRA rank", loraRank, 1, hidden);
        range("hard-prefix scoring sequences", hardPrefixSequences, 1, 1_000_000);
        range("evaluation sequences", evalSequences, 1, 1_000_000);
        range("evaluation length", evalLength, 1, 4096);
    }

    private static void range(String what, int v, int lo, int hi) {
        if (v < lo || v > hi) {
            throw new IllegalArgumentException(what + " must be in [" + lo + ", " + hi + "], got " + v);
        }
    }

    private static void rate(String what, double v) {
        if (!(v > 0) || v > 10) {
            throw new IllegalArgumentException(what + " must be in (0, 10], got " + v);
        }
    }

    /** The paper's settings: 1000 meta-training steps at batch 256, 1000 tuning steps, 10 repetitions, 2048 × 200 evaluation. */
    public static BayesStudyConfig full() {
        return new BayesStudyConfig("full", CoinModels.NAMES, true, true, 128, 4, 512, 1000, 256, 100, 1e-3, 1000, 256,
                50, 5e-3, 5e-3, 1.0, 10, 6, 4, 2048, 2048, 200, 0);
    }

    /**
     * Settings that run the whole study (both networks, both targets, every method, pretrained
     * and untrained) in minutes on two cores: 300 meta-training steps at batch 64 (the paper's
     * learning rate 1e-3; 2e-3 and 3e-3 left the transformer further from the Bayes predictor),
     * 100 tuning steps at batch 16 with a larger rate for the prefixes (5e-2: at the
     * paper's 5e-3 their few parameters hardly move in 100 steps) and a smaller one for the
     * weights (2e-3: full weight tuning of the transformer diverged in some repetitions at 5e-3
     * at this batch size), 3 repetitions, 96 hard-prefix scoring sequences and 256 evaluation
     * sequences. (Batch 32 gave the transformer's weight methods somewhat better mixture results
     * but took about 1.5 times as long.)
     *
     * <p>Unlike the paper, meta-training and tuning sequences are as long as the evaluation's (200
     * symbols; the paper: 100 and 50), at a quarter of the batch, so every step sees the same
     * number of symbols. After 300 steps the networks do not extrapolate past their training
     * length: with the paper's lengths SoftPT's single-coin regret was 0.07 at n = 50 but 0.69 at
     * n = 200 on both networks, most of it earned after symbol 100; with 200-symbol sequences it is
     * 0.19 (LSTM) and 0.38 (Transformer) at n = 200 (one run each; 200-symbol meta-training alone,
     * tuning on 50: 0.26 and 0.52).
     */
    public static BayesStudyConfig quick() {
        return new BayesStudyConfig("quick", CoinModels.NAMES, true, true, 128, 4, 512, 300, 32, 200, 1e-3, 100, 4, 200,
                5e-2, 2e-3, 1.0, 3, 6, 4, 96, 256, 200, 0);
    }

    /** These settings with other networks / variants / repetitions (the command line's choices). */
    public BayesStudyConfig with(List<String> networks, boolean pretrained, boolean untrained, int reps) {
        return new BayesStudyConfig(preset, networks, pretrained, untrained, hidden, heads, inner, pretrainSteps,
                pretrainBatch, pretrainLength, pretrainLr, tuneSteps, tuneBatch, tuneLength, prefixLr, weightLr, clip, reps,
                prefixLength, loraRank, hardPrefixSequences, evalSequences, evalLength, seed);
    }

    /** These settings with another prefix length L (every prefix method; HardPT searches all 2^L). */
    public BayesStudyConfig withPrefixLength(int length) {
        return new BayesStudyConfig(preset, networks, pretrained, untrained, hidden, heads, inner, pretrainSteps,
                pretrainBatch, pretrainLength, pretrainLr, tuneSteps, tuneBatch, tuneLength, prefixLr, weightLr, clip, reps,
                length, loraRank, hardPrefixSequences, evalSequences, evalLength, seed);
    }

    /** These settings with another seed. */
    public BayesStudyConfig withSeed(long newSeed) {
        return new BayesStudyConfig(preset, networks, pretrained, untrained, hidden, heads, inner, pretrainSteps,
                pretrainBatch, pretrainLength, pretrainLr, tuneSteps, tuneBatch, tuneLength, prefixLr, weightLr, clip, reps,
                prefixLength, loraRank, hardPrefixSequences, evalSequences, evalLength, newSeed);
    }
}
