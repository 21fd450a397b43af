package dev.promptlab.study;

/**
 * One of a paper's claims next to what a run measured: what the reports and the reproduce index
 * show, study by study.
 *
 * @param claim the paper's claim, in a sentence
 * @param measured our figures, in a sentence
 * @param verdict whether they agree
 */
public record Finding(String claim, String measured, Verdict verdict) {

    /** How a measurement compares with the claim. */
    public enum Verdict {
        AGREES("agrees"), PARTLY("partly agrees"), DISAGREES("does not agree"),
        /** The difference the claim is about is smaller than this run can resolve. */
        TOO_CLOSE("too close to tell"),
        NOT_MEASURED("not measured");

        private final String label;

        Verdict(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }

        /** AGREES when {@code yes}, else DISAGREES. */
        public static Verdict of(boolean yes) {
            return yes ? AGREES : DISAGREES;
        }
    }

    public Finding {
        if (claim == null || measured == null || verdict == null) {
            throw new IllegalArgumentException("a finding needs its claim, measurement and verdict");
        }
    }
}
