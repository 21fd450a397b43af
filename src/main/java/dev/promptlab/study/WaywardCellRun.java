package dev.promptlab.study;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.promptlab.adapt.Adapter;
import dev.promptlab.adapt.HardPrefix;
import dev.promptlab.adapt.SoftPrompt;
import dev.promptlab.adapt.SoftPromptConfig;
import dev.promptlab.analysis.ProjectedPrompt;
import dev.promptlab.eval.SquadF1;
import dev.promptlab.analysis.TargetText;
import dev.promptlab.eval.ClassificationResult;
import dev.promptlab.eval.VerbalizerClassifier;
import dev.promptlab.model.LanguageModel;
import dev.promptlab.model.LoadedModel;
import dev.promptlab.task.EncodedExample;
import dev.promptlab.task.Encoder;
import dev.promptlab.task.Example;
import dev.promptlab.tensor.Rng;
import dev.promptlab.tensor.Scopes;
import dev.promptlab.train.ProgressListener;
import dev.promptlab.train.PromptBatch;
import dev.promptlab.train.TargetDistance;
import dev.promptlab.train.TrainConfig;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Trains and scores the prompts of one {@link WaywardCell}: K soft prompts of length P in one
 * {@link PromptBatch}, each with its own initialisation, data seed and distance term
 * γ·‖P − E[target]‖²/L; then, per prompt, its test accuracy, its projection onto the input
 * embeddings (text, prompt F1 against the target, mean squared distance) and the accuracy of
 * the projected tokens used as a hard prompt.
 */
final class WaywardCellRun {
    private final WaywardStudyConfig config;
    private final LoadedModel loaded;
    private final Encoder encoder;
    private final List<EncodedExample> train;
    private final List<Example> test;
    private final List<String> labels;
    private final boolean progress;

    /**
     * @param train the task's encoded training examples
     * @param test the test examples to score
     * @param progress whether to show a progress bar while training
     */
    WaywardCellRun(WaywardStudyConfig config, LoadedModel loaded, Encoder encoder, List<EncodedExample> train,
            List<Example> test, List<String> labels, boolean progress) {
        this.config = config;
        this.loaded = loaded;
        this.encoder = encoder;
        this.train = train;
        this.test = test;
        this.labels = labels;
        this.progress = progress;
    }

    /** The cell's rows, in member order. */
    List<WaywardRow> run(WaywardCell cell) {
        LanguageModel model = loaded.model();
        NDArray table = WaywardModel.projectionTable(cell.model(), model, loaded.tokenizer()); // (V, C)
        List<SoftPrompt> prompts = new ArrayList<>();
        // the targets' embeddings outlive training (the distance terms read them every step)
        try (NDManager cellScope = model.manager().newSubManager()) {
            Map<TargetText, NDArray> targetRows = new LinkedHashMap<>();
            List<PromptBatch.Member> members = new ArrayList<>();
            for (WaywardCell.Member m : cell.members()) {
                NDArray target = targetRows.computeIfAbsent(m.target(), t -> rows(table, t.ids(), cellScope)); // (P, C)
                SoftPrompt prompt = initialPrompt(model, m.target(), target, m.seed());
                prompts.add(prompt);
                // data order from seed + 1, as a single tune run with that seed
                members.add(new PromptBatch.Member(prompt, m.seed() + 1, TargetDistance.of(m.gamma(), target)));
            }
            int pad = Math.max(0, loaded.tokenizer().padId());
            TrainConfig tc = new TrainConfig(config.steps(), config.batchSize(), config.learningRate(), 0, 0,
                    config.clip(), cell.members().get(0).seed(), config.steps(), 0);
            double[] losses;
            try (PromptBatch batch = new PromptBatch(model, members, train, pad, tc)) {
                if (progress) {
                    batch.trainer().addListener(new ProgressListener("P=" + cell.promptLength() + " part " + cell.part()
                            + "/" + cell.parts() + ": " + members.size() + " prompts"));
                }
                batch.trainer().run();
                losses = batch.trainer().lastPromptLosses();
            }
            List<ClassificationResult> accuracy = VerbalizerClassifier.evaluateEach(model, prompts, encoder, labels,
                    config.evalBatch(), config.scoring(), test);
            List<ProjectedPrompt> projected = new ArrayList<>();
            for (SoftPrompt p : prompts) {
                projected.add(ProjectedPrompt.of(p.embeddings(), table, config.metric(), loaded.tokenizer()));
            }
            Map<String, Double> projectedAccuracy = projectedAccuracy(model, projected);
            List<WaywardRow> rows = new ArrayList<>();
            for (int k = 0; k < prompts.size(); k++) {
                WaywardCell.Member m = cell.members().get(k);
                ProjectedPrompt pp = projected.get(k);
                rows.add(new WaywardRow(cell.model(), cell.task(), m.target().text(), m.target().kind(),
                        cell.promptLength(), m.gamma(), m.seed(), accuracy.get(k).accuracy(),
                        SquadF1.f1(pp.text(), m.target().text()), pp.text(),
                        projectedAccuracy.get(Arrays.toString(pp.ids())), pp.meanSquaredDistance(), losses[k]));
            }
            return rows;
        } finally {
            prompts.forEach(Adapter::close);
        }
    }

    /** The prompt's start: the target's embeddings, or P vocabulary rows drawn by the seed. */
    private SoftPrompt initialPrompt(LanguageModel model, TargetText text, NDArray target, long seed) {
        int length = text.promptLength();
        if (config.init() == WaywardStudyConfig.Init.TARGET) {
            // the text's embeddings, already gathered: P = its token count, so nothing is cut or repeated
            return SoftPrompt.of(new SoftPromptConfig(length, SoftPromptConfig.Init.TEXT, text.text()), target, model);
        }
        return SoftPrompt.create(new SoftPromptConfig(length, SoftPromptConfig.Init.SAMPLE_VOCAB, null), model,
                loaded.tokenizer(), new Rng(seed));
    }

    /**
     * Accuracy of each distinct projected token string used as a hard prompt, by its ids: prompts
     * that project alike (large γ pulls many onto their target exactly) are scored once.
     */
    private Map<String, Double> projectedAccuracy(LanguageModel model, List<ProjectedPrompt> projected) {
        Map<String, HardPrefix> distinct = new LinkedHashMap<>();
        for (ProjectedPrompt p : projected) {
            distinct.putIfAbsent(Arrays.toString(p.ids()), HardPrefix.of(p.ids(), 0));
        }
        List<HardPrefix> hard = new ArrayList<>(distinct.values());
        List<ClassificationResult> results = VerbalizerClassifier.evaluateEach(model, hard, encoder, labels,
                config.evalBatch(), config.scoring(), test);
        Map<String, Double> out = new HashMap<>();
        List<String> keys = new ArrayList<>(distinct.keySet());
        for (int i = 0; i < keys.size(); i++) {
            out.put(keys.get(i), results.get(i).accuracy());
        }
        return out;
    }

    /** Rows {@code ids} of {@code table}, copied into {@code scope}: (P, C). */
    private static NDArray rows(NDArray table, int[] ids, NDManager scope) {
        NDArray index = scope.create(Arrays.stream(ids).asLongStream().toArray()); // (P)
        return Scopes.into(scope, table.get(index)); // (P, C)
    }
}
