package dev.promptlab.eval;

import java.util.Arrays;
import java.util.List;

/**
 * The corpus metrics a study or the CLI can be asked for by name ({@code --metric NAME}). Each
 * scores predictions against one or several references per prediction. BLEU is on sacreBLEU's
 * 0-100 scale, the others on 0-1; {@link #scale()} says which.
 */
public enum Metric {
    /** sacreBLEU's corpus BLEU ({@link Bleu}), 0-100. */
    BLEU("bleu", 100, Bleu::corpusMultiReference),
    /** rouge-score's mean ROUGE-L F ({@link RougeL}), best reference per example. */
    ROUGE_L("rouge-l", 1, RougeL::meanMultiReference),
    /** Fraction equal to a reference after {@link Metrics#normalize} (case and spacing only). */
    EXACT_MATCH("exact-match", 1, (p, r) -> Metrics.meanPerExample(p, r, Metric::matchesNormalized)),
    /** SQuAD's mean word F1 ({@link SquadF1}), best reference per example. */
    F1("f1", 1, SquadF1::meanF1),
    /** Fraction equal, as strings, to a reference (a class label). */
    ACCURACY("accuracy", 1, (p, r) -> Metrics.meanPerExample(p, r, (prediction, refs) -> refs.contains(prediction) ? 1 : 0));

    private interface CorpusScore {
        double of(List<String> predictions, List<? extends List<String>> references);
    }

    private final String label;
    private final double scale;
    private final CorpusScore score;

    Metric(String label, double scale, CorpusScore score) {
        this.label = label;
        this.scale = scale;
        this.score = score;
    }

    /** The name to ask for it by. */
    public String label() {
        return label;
    }

    /** The score of a perfect corpus: 100 for BLEU, 1 for the others. */
    public double scale() {
        return scale;
    }

    /** The score against one reference per prediction. */
    public double score(List<String> predictions, List<String> references) {
        return score.of(predictions, Metrics.oneEach(references));
    }

    /** The score against several references per prediction: {@code references.get(i)} are prediction i's. */
    public double scoreMultiReference(List<String> predictions, List<? extends List<String>> references) {
        return score.of(predictions, references);
    }

    /** The metric called {@code name}; fails naming the allowed names. */
    public static Metric byName(String name) {
        for (Metric m : values()) {
            if (m.label.equals(name)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown metric '" + name + "'; allowed: " + String.join(", ", names()));
    }

    /** Every metric's name, in declaration order. */
    public static List<String> names() {
        return Arrays.stream(values()).map(Metric::label).toList();
    }

    private static double matchesNormalized(String prediction, List<String> references) {
        String p = Metrics.normalize(prediction);
        return references.stream().anyMatch(r -> p.equals(Metrics.normalize(r))) ? 1 : 0;
    }
}
