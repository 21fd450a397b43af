package dev.promptlab.cli;

import dev.promptlab.study.IclMethod;
import dev.promptlab.study.IclRetrieval;
import dev.promptlab.study.IclStudy;
import dev.promptlab.study.IclStudyConfig;
import dev.promptlab.study.IclTask;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * The ICL study (Sun et al. 2023) as one command: ICL with random or retrieved demonstrations,
 * prompt tuning and instruction prompt tuning over seeds, on built-in or user tasks and models.
 */
@Command(name = "icl-study", mixinStandardHelpOptions = true,
        description = {"Compare in-context learning (random, BM25 or embedding-retrieved demonstrations), prompt tuning"
                + " (PT) and instruction prompt tuning (IPT: a soft prompt + retrieved demonstrations; IPT-fixed: one"
                + " fixed set) on frozen models and generation tasks, over seeds; with a prompt-length sweep, similarity"
                + " bins (IPT - PT by how similar the nearest demonstration is) and a transfer matrix.",
                "Writes RUN/result.json, RUN/report.html, RUN/predictions/MODEL/TASK/METHOD-kK-seedS.jsonl and the"
                        + " trained prompts (RUN/adapters/); --resume continues a stopped run cell by cell."})
final class IclStudyCommand implements Callable<Integer> {
    @Option(names = "--quick", description = "the quick grid on built-in models and tasks (minutes on two cores);"
            + " only --out, --resume and --threads go with it")
    boolean quick;
    @Option(names = "--model", split = ",", description = "models: builtin:tiny|small|base or Hugging Face directories")
    List<String> models;
    @Option(names = "--task", split = ",", description = "built-in generation tasks (builtin:NAME; see promptlab tasks)")
    List<String> builtinTasks;
    @Option(names = "--train", description = "training JSONL (the demonstration pool and the prompts' training data)")
    Path train;
    @Option(names = "--test", description = "test JSONL (the scored examples)")
    Path test;
    @Option(names = "--name", description = "the file task's name in paths and tables (default: the --train file's name)")
    String name;
    @Option(names = "--template", description = "rendering of a file task's example (default \"{input} {output}\")")
    String template;
    @Option(names = "--instruction", description = "text before a file task's demonstrations (default none)")
    String instruction;
    @Option(names = "--metric", split = ",", description = "a file task's metrics, the first the headline: bleu, rouge-l,"
            + " exact-match, f1, accuracy (default bleu)")
    List<String> metrics;
    @Option(names = "--methods", split = ",", description = "icl-random, icl-bm25, icl-embedding, pt, ipt, ipt-fixed"
            + " (default all)")
    List<String> methods;
    @Option(names = "--shots", split = ",", description = "demonstrations k (default 1,3)")
    List<Integer> shots;
    @Option(names = "--seeds", split = ",", description = "seeds; a cell's seeds train as one batch (default 1,2,3,4,5)")
    List<Long> seeds;
    @Option(names = "--steps", description = "training steps of every prompt (default 1000)")
    Integer steps;
    @Option(names = "--batch-size", description = "examples per step per prompt (default 8)")
    Integer batchSize;
    @Option(names = "--lr", description = "peak learning rate (default 0.03)")
    Double learningRate;
    @Option(names = "--prompt-length", description = "soft-prompt length P (default 25)")
    Integer promptLength;
    @Option(names = "--sweep", split = ",", description = "prompt lengths of the PT/IPT sweep, or none (default 1,5,10,25,50)")
    List<String> sweep;
    @Option(names = "--retriever", description = "IPT's and the transfer matrix's retriever: random, bm25, embedding"
            + " (default embedding)")
    String retriever;
    @Option(names = "--bins", description = "similarity bins (default 5)")
    Integer bins;
    @Option(names = "--no-transfer", description = "skip the transfer matrix")
    boolean noTransfer;
    @Option(names = "--max-train", description = "training examples kept per task, 0 = all (default 0)")
    Integer maxTrain;
    @Option(names = "--max-test", description = "test examples scored per task, 0 = all (default 0)")
    Integer maxTest;
    @Option(names = "--max-new-tokens", description = "generation budget (default 32)")
    Integer maxNewTokens;
    @Option(names = "--beams", description = "beam width, 1 = greedy (default 1)")
    Integer beams;
    @Option(names = "--seed", description = "seed of IPT-fixed's demonstrations (default 0)")
    Long seed;
    @Option(names = "--threads", defaultValue = "1", description = "CPU threads of the tensor engine (default ${DEFAULT-VALUE})")
    int threads;
    @Option(names = "--resume", description = "continue the run in --out, skipping its finished cells")
    boolean resume;
    @Option(names = "--out", required = true, description = "run directory (must not exist or be empty, unless --resume)")
    Path out;

    @Override
    public Integer call() throws Exception {
        IclStudyConfig config = config();
        EngineThreads.set(threads);
        long start = System.nanoTime();
        System.err.printf("promptlab icl-study (%s settings): %s on %s%n", config.preset(), String.join(", ", config.models()),
                String.join(", ", config.tasks().stream().map(IclTask::name).toList()));
        IclStudy.Outcome outcome = IclStudy.run(config, out, resume, line -> System.err.printf("[%4.0f s] %s%n",
                (System.nanoTime() - start) / 1e9, line));
        System.out.println(IclStudy.summary(outcome.dir()));
        System.out.printf("%nwrote %s and %s (%.0f s)%n", out.resolve("result.json"), out.resolve("report.html"),
                outcome.seconds());
        return 0;
    }

    /** The settings the options ask for; fails naming a bad value and what is allowed. */
    IclStudyConfig config() {
        if (quick) {
            boolean grid = models != null || builtinTasks != null || train != null || test != null || methods != null
                    || shots != null || seeds != null || steps != null || promptLength != null || sweep != null
                    || maxTest != null || maxTrain != null || metrics != null || retriever != null || bins != null;
            if (grid) {
                throw new IllegalArgumentException("--quick fixes models, tasks and the grid; give only --out, --resume"
                        + " and --threads with it");
            }
            return IclStudyConfig.quick();
        }
        if (models == null || models.isEmpty()) {
            throw new IllegalArgumentException("give --model (builtin:tiny|small|base or a model directory), or --quick");
        }
        List<IclTask> tasks = new ArrayList<>();
        if (builtinTasks != null) {
            builtinTasks.forEach(t -> tasks.add(IclTask.builtin(t)));
        }
        if (train != null || test != null) {
            tasks.add(IclTask.files(name, train, test, template, instruction, metrics == null ? List.of("bleu") : metrics));
        } else if (template != null || instruction != null || metrics != null || name != null) {
            throw new IllegalArgumentException("--template, --instruction, --metric and --name describe a file task:"
                    + " give --train and --test (a built-in task brings its own)");
        }
        if (tasks.isEmpty()) {
            throw new IllegalArgumentException("give --task builtin:NAME (built-in generation tasks: "
                    + String.join(", ", IclTask.generationNames()) + ") or --train FILE --test FILE");
        }
        IclStudyConfig d = IclStudyConfig.full(models, tasks);
        return new IclStudyConfig("custom", models, tasks,
                methods == null ? d.methods() : methods.stream().map(IclMethod::byLabel).toList(),
                shots == null ? d.shots() : shots, seeds == null ? d.seeds() : seeds, or(steps, d.steps()),
                or(batchSize, d.batchSize()), learningRate == null ? d.learningRate() : learningRate,
                or(promptLength, d.promptLength()), sweepLengths(d.sweepLengths()),
                retriever == null ? d.retrieval() : IclRetrieval.byLabel(retriever), or(bins, d.bins()), !noTransfer,
                or(maxTrain, d.maxTrain()), or(maxTest, d.maxTest()), or(maxNewTokens, d.maxNewTokens()),
                or(beams, d.beams()), seed == null ? d.seed() : seed);
    }

    private List<Integer> sweepLengths(List<Integer> defaults) {
        if (sweep == null) {
            return defaults;
        }
        if (sweep.size() == 1 && sweep.get(0).equals("none")) {
            return List.of();
        }
        List<Integer> out = new ArrayList<>();
        for (String s : sweep) {
            try {
                out.add(Integer.parseInt(s.trim()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--sweep: '" + s + "' is not a prompt length (give numbers, or none)");
            }
        }
        return out;
    }

    private static int or(Integer value, int fallback) {
        return value == null ? fallback : value;
    }
}
