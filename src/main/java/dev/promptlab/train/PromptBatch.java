package dev.promptlab.train;

import ai.djl.ndarray.NDArray;
import dev.promptlab.adapt.Adapter;
import dev.promptlab.adapt.MultiPrompt;
import dev.promptlab.model.LanguageModel;
import dev.promptlab.task.EncodedExample;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * K prompts of one family and one length trained together on a frozen model: each step is one
 * forward/backward of K·b rows, rows [k·b, (k+1)·b) belonging to prompt k. Every prompt keeps
 * what a run of its own has: its initialisation (the caller creates it), its data order (its
 * own seeded sampler), its optional extra loss term, its gradient clipping (by its own norm) and
 * its AdamW state (elementwise), so each ends where it would end alone. Seeds of one run, γ
 * values and target texts of a waywardness cell, methods' seeds of an ICL study cell: all are
 * members of one batch. Close it when done: its AdamW moments live until then.
 */
public final class PromptBatch implements AutoCloseable {
    /**
     * One prompt of the batch.
     *
     * @param prompt the prompt, initialised by the caller, who also closes it
     * @param dataSeed seeds its data order (a single run with seed s uses s + 1)
     * @param term an extra loss term of its own, or null
     */
    public record Member(Adapter prompt, long dataSeed, PromptTerm term) {}

    private final List<Member> members;
    private final MultiPrompt prompts;
    private final PromptSamplers data;
    private final Trainer trainer;

    /**
     * @param config the training settings; its batch size is per prompt
     */
    public PromptBatch(LanguageModel model, List<Member> members, List<EncodedExample> examples, int padId,
            TrainConfig config) {
        this(model, members, examples, padId, config, AdapterObjective.PART_TOKENS);
    }

    /**
     * @param config the training settings; its batch size is per prompt
     * @param partTokens positions above which the step runs in parts of whole prompts, each part's
     *        forward and backward before the next ({@link AdapterObjective#partTokens(long)})
     */
    public PromptBatch(LanguageModel model, List<Member> members, List<EncodedExample> examples, int padId,
            TrainConfig config, long partTokens) {
        if (members.isEmpty()) {
            throw new IllegalArgumentException("a prompt batch needs at least one prompt");
        }
        this.members = List.copyOf(members);
        List<Adapter> adapters = new ArrayList<>(members.size());
        List<PromptTerm> terms = new ArrayList<>(members.size());
        long[] seeds = new long[members.size()];
        for (int k = 0; k < members.size(); k++) {
            adapters.add(members.get(k).prompt());
            terms.add(members.get(k).term());
            seeds[k] = members.get(k).dataSeed();
        }
        this.prompts = MultiPrompt.blocks(adapters, config.batchSize());
        this.data = PromptSamplers.of(examples, config.batchSize(), padId, seeds);
        this.trainer = new Trainer(config, prompts.parameters(),
                new AdapterObjective(model, prompts, members.size(), terms).partTokens(partTokens), data,
                model.manager())
                .clipPerPrompt(prompts.groups());
    }

    /** Frees the batch's optimizer state; the prompts stay (they are the caller's). */
    @Override
    public void close() {
        trainer.close();
    }

    /** The loop, to add listeners, restore a checkpoint and run. */
    public Trainer trainer() {
        return trainer;
    }

    /** The K prompts as one adapter (row assignment of a training batch). */
    public MultiPrompt prompts() {
        return prompts;
    }

    public int size() {
        return members.size();
    }

    /** Prompt {@code k}'s loss at the last step (its task loss plus its term). */
    public double lastLoss(int k) {
        return trainer.lastPromptLosses()[k];
    }

    /**
     * Writes prompt {@code k}'s share of the training state as the checkpoint of a run of its own
     * (its parameters by their own names, their AdamW moments, its data position), which
     * {@code tune --resume} continues alone.
     */
    public void saveCheckpoint(int k, Path dir) throws IOException {
        Adapter prompt = members.get(k).prompt();
        Map<String, NDArray> state = trainer.optimizer().state();
        Map<String, NDArray> own = new LinkedHashMap<>();
        for (String moment : new String[] {"m.", "v."}) {
            for (String name : prompt.parameters().keySet()) {
                own.put(moment + name, state.get(moment + MultiPrompt.parameterName(k, name)));
            }
        }
        double loss = trainer.lastPromptLosses().length > k ? trainer.lastPromptLosses()[k] : Double.NaN;
        Checkpoint.save(dir, trainer.step(), trainer.config().steps(), prompt.parameters(), own, data.state(k),
                prompt.randomState(), new double[] {loss, loss});
    }
}
