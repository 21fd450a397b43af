package dev.promptlab.study.builtin;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Everything that determines a built-in model: architecture sizes, the pretraining corpus
 * (WordNet glosses of training-split words plus MetaICL-style episodes) and the optimisation.
 * Two runs of the same recipe give the same model.
 *
 * @param name tiny, small or base
 * @param layers transformer blocks
 * @param heads attention heads (must divide {@code hidden})
 * @param hidden hidden size C
 * @param context maximum sequence length, also the training window length
 * @param vocabSize tokenizer bound, specials included
 * @param steps optimizer steps
 * @param batchSize windows per step
 * @param learningRate peak AdamW learning rate (linear warmup, then linear decay to 0)
 * @param warmupSteps warmup steps
 * @param seed initialisation, corpus and data order
 * @param episodes MetaICL episodes in the corpus (instruction + up to {@code maxShots} demonstrations + query)
 * @param maxShots most demonstrations per episode
 * @param evalExamples test examples per task for the model card's figures
 * @param iclStudyTasks the switch that adds the ICL study's generation tasks
 *     ({@code BuiltinTasks.ICL_STUDY_TASKS}: data-to-text, semantic-parse, logic-to-text) to the
 *     pretraining mix: their training splits become episodes, their dev/test words are held out and
 *     semantic-parse's answers join the vocabulary ({@code BuiltinTasks.pretrainingNames}). Off for the
 *     shipped recipes, whose corpus predates those tasks; when off the recipe prints and serialises
 *     exactly as before the switch existed, so the shipped models keep their recipe hash and card
 *     (turning it on changes both, so a retrained model never reuses the old cache).
 */
public record ModelRecipe(String name, int layers, int heads, int hidden, int context, int vocabSize, int steps,
        int batchSize, double learningRate, int warmupSteps, long seed, int episodes, int maxShots, int evalExamples,
        @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean iclStudyTasks) {

    public ModelRecipe {
        if (name == null || !name.matches("[a-z0-9-]+")) {
            throw new IllegalArgumentException("recipe name must be lower-case letters, digits or dashes, got '" + name + "'");
        }
        positive("layers", layers, 1, 48);
        positive("heads", heads, 1, 64);
        positive("hidden", hidden, 8, 4096);
        if (hidden % heads != 0) {
            throw new IllegalArgumentException("hidden " + hidden + " must be a multiple of heads " + heads);
        }
        positive("context", context, 16, 4096);
        positive("vocabSize", vocabSize, 64, 1 << 20);
        positive("steps", steps, 1, 10_000_000);
        positive("batchSize", batchSize, 1, 4096);
        if (!(learningRate > 0) || learningRate > 1) {
            throw new IllegalArgumentException("learningRate must be in (0, 1], got " + learningRate);
        }
        if (warmupSteps < 0 || warmupSteps > steps) {
            throw new IllegalArgumentException("warmupSteps must be in [0, steps=" + steps + "], got " + warmupSteps);
        }
        positive("episodes", episodes, 0, 10_000_000);
        positive("maxShots", maxShots, 0, 64);
        positive("evalExamples", evalExamples, 1, 100_000);
    }

    /** A recipe whose corpus predates the ICL-study tasks (the switch off). */
    public ModelRecipe(String name, int layers, int heads, int hidden, int context, int vocabSize, int steps,
            int batchSize, double learningRate, int warmupSteps, long seed, int episodes, int maxShots, int evalExamples) {
        this(name, layers, heads, hidden, context, vocabSize, steps, batchSize, learningRate, warmupSteps, seed, episodes,
                maxShots, evalExamples, false);
    }

    /** The same recipe with the ICL-study tasks in its pretraining mix, or without. */
    public ModelRecipe withIclStudyTasks(boolean on) {
        return new ModelRecipe(name, layers, heads, hidden, context, vocabSize, steps, batchSize, learningRate,
                warmupSteps, seed, episodes, maxShots, evalExamples, on);
    }

    private static void positive(String field, long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(field + " must be in [" + min + ", " + max + "], got " + value);
        }
    }

    /** The same recipe with another step budget (tests and quick checks). */
    public ModelRecipe withSteps(int newSteps) {
        return new ModelRecipe(name, layers, heads, hidden, context, vocabSize, newSteps, batchSize, learningRate,
                Math.min(warmupSteps, newSteps), seed, episodes, maxShots, evalExamples, iclStudyTasks);
    }

    /** The same recipe with fewer episodes and evaluation examples (tests and quick checks). */
    public ModelRecipe scaledDown(int newEpisodes, int newEvalExamples) {
        return new ModelRecipe(name, layers, heads, hidden, context, vocabSize, steps, batchSize, learningRate,
                warmupSteps, seed, newEpisodes, maxShots, newEvalExamples, iclStudyTasks);
    }

    /**
     * The record's own form, without {@code iclStudyTasks} while it is off: the built-in model cache
     * and the shipped checkpoints are named by a hash of this string, which must not move for the
     * recipes that existed before the switch.
     */
    @Override
    public String toString() {
        return "ModelRecipe[name=" + name + ", layers=" + layers + ", heads=" + heads + ", hidden=" + hidden
                + ", context=" + context + ", vocabSize=" + vocabSize + ", steps=" + steps + ", batchSize=" + batchSize
                + ", learningRate=" + learningRate + ", warmupSteps=" + warmupSteps + ", seed=" + seed + ", episodes="
                + episodes + ", maxShots=" + maxShots + ", evalExamples=" + evalExamples
                + (iclStudyTasks ? ", iclStudyTasks=true" : "") + "]";
    }

    /** One line for listings: "gpt 4 layers x 256, 4 heads, context 256, vocab 16000; 3000 steps x 16 windows". */
    public String summary() {
        return String.format("gpt %d layers x %d, %d heads, context %d, vocab <= %d; %d steps x %d windows of %d tokens,"
                + " lr %.2g, %d episodes (<= %d shots)%s", layers, hidden, heads, context, vocabSize, steps, batchSize, context,
                learningRate, episodes, maxShots, iclStudyTasks ? ", with the ICL-study tasks" : "");
    }
}
