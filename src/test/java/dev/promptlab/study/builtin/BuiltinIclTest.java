package dev.promptlab.study.builtin;

import dev.promptlab.eval.ClassificationResult;
import dev.promptlab.model.LoadedModel;
import dev.promptlab.task.builtin.wordnet.BuiltinTask;
import dev.promptlab.task.builtin.wordnet.BuiltinTasks;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * In-context learning on a real built-in model beats chance. Slow: it resolves
 * {@code builtin:tiny} (pretraining it into {@code $PROMPTLAB_HOME} on first use, minutes), so it
 * runs only with {@code mvn test -Pslow}.
 */
@Tag("slow")
class BuiltinIclTest {
    @Test
    void fourShotIclBeatsChanceOnAClassificationTask() throws Exception {
        try (LoadedModel loaded = LoadedModel.load(BuiltinModels.resolve("builtin:tiny", false))) {
            int n = 100;
            ModelFigures figures = new ModelFigures(loaded.model(), loaded.tokenizer(), 4, n, 11);
            StringBuilder seen = new StringBuilder();
            for (String name : BuiltinTasks.names()) {
                BuiltinTask task = BuiltinTasks.get(name);
                if (task.spec().labels().isEmpty() || task.examples(dev.promptlab.task.builtin.wordnet.Split.TEST).size() < n) {
                    continue;
                }
                ClassificationResult r = figures.classification(task);
                double chance = 1.0 / task.spec().labels().size();
                // 4 standard deviations of a binomial at chance above chance
                double bar = chance + 4 * Math.sqrt(chance * (1 - chance) / r.n());
                seen.append(String.format("%s %.3f (bar %.3f); ", name, r.accuracy(), bar));
                if (r.accuracy() > bar) {
                    return;
                }
            }
            throw new AssertionError("no classification task beats chance with 4-shot ICL: " + seen);
        }
    }
}
