package dev.promptlab.study;

/**
 * Every predictor the Bayesian prompting study compares, under the paper's names: prefix
 * tuning (weights frozen), weight tuning, and the baselines.
 */
public enum BayesMethod {
    HARD_PT("HardPT", Kind.PREFIX, "best hard prefix: exhaustive search over all 2^L token strings"),
    SIMPLEX_PT("SimplexPT", Kind.PREFIX, "L points of the token simplex (softmax of L×2 logits), in input space"),
    REAL_PT("RealPT", Kind.PREFIX, "L unconstrained real vectors in input space"),
    SOFT_PT("SoftPT", Kind.PREFIX, "L embedding-space vectors after the BOS embedding (soft prompt)"),
    FULL_WT("FullWT", Kind.WEIGHTS, "all weights"),
    LORA_WT("LoRAWT", Kind.WEIGHTS, "LoRA matrices on q, k, v and the attention output (transformer only)"),
    EMBED_WT("EmbedWT", Kind.WEIGHTS, "the input embedding only"),
    UNEMBED_WT("UnembedWT", Kind.WEIGHTS, "the output layer only"),
    UN_EMBED_WT("Un+EmbedWT", Kind.WEIGHTS, "input embedding and output layer"),
    TARGET_BAYES("TargetBayes", Kind.BASELINE, "the exact Bayes predictor of the target"),
    PRE_BAYES("PreBayes", Kind.BASELINE, "the exact Bayes predictor of the pretraining prior, Beta(1, 1)"),
    PRE_BAYES_PT("PreBayesPT", Kind.BASELINE, "PreBayes conditioned on its best hard prefix"),
    NO_TUNING("NoTuning", Kind.BASELINE, "the network as it is"),
    RANDOM_PF("random prefix", Kind.BASELINE, "a random hard prefix (RealPT's starting point)");

    /** Groups for tables and plots. */
    public enum Kind {
        PREFIX, WEIGHTS, BASELINE
    }

    private final String label;
    private final Kind kind;
    private final String description;

    BayesMethod(String label, Kind kind, String description) {
        this.label = label;
        this.kind = kind;
        this.description = description;
    }

    /** The paper's name, used in result.json. */
    public String label() {
        return label;
    }

    public Kind kind() {
        return kind;
    }

    public String description() {
        return description;
    }

    /** Whether the method uses the network at all (the exact baselines do not). */
    public boolean usesNetwork() {
        return this != TARGET_BAYES && this != PRE_BAYES && this != PRE_BAYES_PT;
    }
}
