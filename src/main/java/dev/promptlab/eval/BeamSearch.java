package dev.promptlab.eval;

import ai.djl.ndarray.NDManager;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Beam search as Hugging Face's {@code generate(num_beams=N)} does it (with
 * {@code early_stopping=False}): keep the N best partial continuations by summed log-probability;
 * a candidate that ends (EOS or a stop string) becomes a finished hypothesis scored
 * sum(log p) / length^lengthPenalty; stop when N hypotheses are finished and no live beam can
 * still beat the worst of them, or at the token budget (live beams then count as finished).
 * All beams run as one batch; the decoding state is reordered to follow the surviving beams.
 */
final class BeamSearch {
    private final Generator generator;
    private final DecodingOptions options;
    private final int width;

    BeamSearch(Generator generator, DecodingOptions options) {
        this.generator = generator;
        this.options = options;
        this.width = options.beams();
    }

    private record Beam(List<Integer> ids, double logProb) {}

    private record Finished(List<Integer> ids, double logProb, double score, Generation.Stop stop) {}

    private record Candidate(int parent, int token, double logProb) {}

    Generation run(int[] context) {
        int budget = Math.min(options.maxTokens(), generator.room(context.length));
        Generation.Stop atBudget = options.maxTokens() <= generator.room(context.length) ? Generation.Stop.MAX_TOKENS
                : Generation.Stop.CONTEXT_FULL;
        List<Finished> finished = new ArrayList<>();
        List<Beam> beams = List.of(new Beam(List.of(), 0));
        try (NDManager root = generator.model().manager().newSubManager()) {
            Generator.Step step = generator.first(root, context);
            try {
                for (int length = 1; ; length++) {
                    List<Candidate> ranked = candidates(step, beams);
                    List<Beam> live = new ArrayList<>();
                    List<Integer> parents = new ArrayList<>();
                    for (Candidate c : ranked) {
                        if (live.size() == width) {
                            break;
                        }
                        Beam parent = beams.get(c.parent());
                        if (c.token() == generator.eosId()) {
                            addFinished(finished, parent.ids(), c.logProb(), Generation.Stop.EOS);
                            continue;
                        }
                        List<Integer> ids = new ArrayList<>(parent.ids());
                        ids.add(c.token());
                        if (generator.stopString(ids, options) >= 0) {
                            addFinished(finished, ids, c.logProb(), Generation.Stop.STOP_STRING);
                            continue;
                        }
                        live.add(new Beam(ids, c.logProb()));
                        parents.add(c.parent());
                    }
                    if (live.isEmpty() || done(finished, live, length)) {
                        break;
                    }
                    if (length >= budget) {
                        live.forEach(b -> addFinished(finished, b.ids(), b.logProb(), atBudget));
                        break;
                    }
                    beams = live;
                    step = step.next(root, live.stream().mapToInt(b -> b.ids().get(b.ids().size() - 1)).toArray(),
                            parents.stream().mapToInt(Integer::intValue).toArray());
                }
            } finally {
                step.close();
            }
        }
        Finished best = finished.stream().max(Comparator.comparingDouble(Finished::score)).orElseThrow();
        int[] ids = best.ids().stream().mapToInt(Integer::intValue).toArray();
        return new Generation(ids, generator.text(ids, options), best.stop(), best.logProb());
    }

    /** The 2N best (beam, token) continuations by summed log-probability, best first. */
    private List<Candidate> candidates(Generator.Step step, List<Beam> beams) {
        PriorityQueue<Candidate> best = new PriorityQueue<>(Comparator.comparingDouble(Candidate::logProb));
        float[][] logits = step.lastLogits(); // [beam][token]
        for (int row = 0; row < beams.size(); row++) {
            double[] logp = TokenSampler.logSoftmax(logits[row]); // (V)
            double base = beams.get(row).logProb();
            for (int v = 0; v < logp.length; v++) {
                double total = base + logp[v];
                if (best.size() < 2 * width) {
                    best.add(new Candidate(row, v, total));
                } else if (total > best.peek().logProb()) {
                    best.poll();
                    best.add(new Candidate(row, v, total));
                }
            }
        }
        List<Candidate> out = new ArrayList<>(best);
        out.sort(Comparator.comparingDouble(Candidate::logProb).reversed());
        return out;
    }

    private void addFinished(List<Finished> finished, List<Integer> ids, double logProb, Generation.Stop stop) {
        double score = logProb / Math.pow(Math.max(1, ids.size()), options.lengthPenalty());
        finished.add(new Finished(List.copyOf(ids), logProb, score, stop));
        if (finished.size() > width) {
            finished.remove(finished.stream().min(Comparator.comparingDouble(Finished::score)).orElseThrow());
        }
    }

    /** HF's heuristic: N finished, and the best live beam, scored at its current length, cannot beat the worst. */
    private boolean done(List<Finished> finished, List<Beam> live, int length) {
        if (finished.size() < width) {
            return false;
        }
        double worst = finished.stream().mapToDouble(Finished::score).min().orElseThrow();
        double bestLive = live.stream().mapToDouble(Beam::logProb).max().orElseThrow();
        return worst >= bestLive / Math.pow(length, options.lengthPenalty());
    }
}
