package dev.promptlab.study;

import dev.promptlab.eval.Metric;
import dev.promptlab.task.Example;
import dev.promptlab.task.JsonlReader;
import dev.promptlab.task.TaskKind;
import dev.promptlab.task.Template;
import dev.promptlab.task.builtin.wordnet.BuiltinTask;
import dev.promptlab.task.builtin.wordnet.BuiltinTasks;
import dev.promptlab.task.builtin.wordnet.Split;

import java.nio.file.Path;
import java.util.List;

/**
 * One generation task of the ICL study: a built-in task (its training split is the demonstration
 * pool and the prompts' training data, its test split is scored) or a pair of JSONL files of
 * {@code {"input", "output"}} lines with a template, an optional instruction and the metrics.
 *
 * @param name how files and tables name the task (lower-case letters, digits, dashes, dots, underscores)
 * @param builtin the built-in task's name, or null for files
 * @param train training JSONL, or null for a built-in task
 * @param test test JSONL, or null for a built-in task
 * @param template how an example is rendered (files only; null for a built-in task)
 * @param instruction text before the demonstrations, or null for none (files only)
 * @param metrics metric names ({@link Metric}), the first one the headline (files only)
 */
public record IclTask(String name, String builtin, Path train, Path test, String template, String instruction,
        List<String> metrics) {

    public IclTask {
        if (name == null || !name.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("task name '" + name + "' must be letters, digits, '.', '_' or '-'");
        }
        if (builtin != null) {
            if (BuiltinTasks.spec(builtin).kind() != TaskKind.GENERATION) {
                throw new IllegalArgumentException("builtin:" + builtin + " is a classification task; the ICL study"
                        + " compares generation (built-in generation tasks: " + String.join(", ", generationNames()) + ")");
            }
        } else {
            if (train == null) {
                throw new IllegalArgumentException("no training file: every method retrieves its demonstrations from, or"
                        + " trains its prompt on, the training examples; give --train FILE");
            }
            if (test == null) {
                throw new IllegalArgumentException("no test file: give --test FILE (the examples the methods are scored on)");
            }
            new Template(template); // names what is wrong with it
            if (metrics == null || metrics.isEmpty()) {
                throw new IllegalArgumentException("give at least one metric (allowed: " + String.join(", ", Metric.names())
                        + ")");
            }
            metrics = List.copyOf(metrics);
            metrics.forEach(Metric::byName);
        }
    }

    /** A built-in generation task, {@code builtin:NAME} or {@code NAME}. */
    public static IclTask builtin(String ref) {
        String name = ref.startsWith(BuiltinTasks.PREFIX) ? ref.substring(BuiltinTasks.PREFIX.length()) : ref;
        if (name.contains(":")) {
            throw new IllegalArgumentException("'" + ref + "': give the task without a split (the study uses train and test)");
        }
        return new IclTask(name, name, null, null, null, null, null);
    }

    /** A task of two JSONL files, named after the training file unless {@code name} is given. */
    public static IclTask files(String name, Path train, Path test, String template, String instruction,
            List<String> metrics) {
        String n = name != null ? name : train == null ? "task" : stem(train);
        return new IclTask(n, null, train, test, template == null ? Template.DEFAULT.pattern() : template,
                instruction == null || instruction.isBlank() ? null : instruction, metrics);
    }

    private static String stem(Path file) {
        String f = file.getFileName().toString();
        String s = f.contains(".") ? f.substring(0, f.lastIndexOf('.')) : f;
        return s.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    /** The built-in generation tasks' names. */
    public static List<String> generationNames() {
        return BuiltinTasks.names().stream().filter(n -> BuiltinTasks.spec(n).kind() == TaskKind.GENERATION).toList();
    }

    /**
     * The task's examples and how to render and score them.
     *
     * @param train the demonstration pool and the prompts' training examples
     * @param test the scored examples
     * @param metrics the headline metric first
     */
    public record Loaded(IclTask task, List<Example> train, List<Example> test, Template template, String instruction,
            List<Metric> metrics) {
        public String name() {
            return task.name();
        }
    }

    /** Reads the examples, the first {@code maxTrain} / {@code maxTest} of each (0: all). */
    public Loaded load(int maxTrain, int maxTest) {
        List<Example> tr;
        List<Example> te;
        Template t;
        String instr;
        List<Metric> m;
        if (builtin != null) {
            BuiltinTask b = BuiltinTasks.get(builtin);
            tr = b.examples(Split.TRAIN);
            te = b.examples(Split.TEST);
            t = b.spec().template();
            instr = b.instruction();
            m = b.spec().metric().equals("bleu") ? List.of(Metric.BLEU, Metric.ROUGE_L) : List.of(Metric.EXACT_MATCH);
        } else {
            tr = JsonlReader.read(train);
            te = JsonlReader.read(test);
            t = new Template(template);
            instr = instruction;
            m = metrics.stream().map(Metric::byName).toList();
        }
        return new Loaded(this, cap(tr, maxTrain), cap(te, maxTest), t, instr, m);
    }

    private static List<Example> cap(List<Example> examples, int max) {
        return max > 0 && examples.size() > max ? List.copyOf(examples.subList(0, max)) : List.copyOf(examples);
    }
}
