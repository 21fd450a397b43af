package dev.promptlab.analysis;

/**
 * One γ of one target, averaged over its training seeds.
 *
 * @param gamma the weight of the projection term
 * @param seeds how many seeds the means average (&ge; 1)
 * @param meanAccuracy mean task accuracy, in [0, 1]
 * @param meanF1 mean prompt F1, in [0, 1]
 */
public record GammaMeans(double gamma, int seeds, double meanAccuracy, double meanF1) {

    public GammaMeans {
        if (!(gamma >= 0) || Double.isInfinite(gamma)) {
            throw new IllegalArgumentException("gamma must be finite and >= 0, got " + gamma);
        }
        if (seeds < 1) {
            throw new IllegalArgumentException("a mean needs at least one seed, got " + seeds);
        }
        if (!(meanAccuracy >= 0 && meanAccuracy <= 1) || !(meanF1 >= 0 && meanF1 <= 1)) {
            throw new IllegalArgumentException("mean accuracy and F1 must be in [0, 1], got " + meanAccuracy + " and "
                    + meanF1 + " (gamma " + gamma + ")");
        }
    }
}
