package dev.promptlab.analysis;

import dev.promptlab.task.builtin.wordnet.BuiltinTasks;
import dev.promptlab.task.builtin.wordnet.Split;
import dev.promptlab.task.builtin.wordnet.WaywardTexts;
import dev.promptlab.tokenize.Tokenizer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The target texts of a waywardness run, tokenized for the model: from a file
 * ({@code --targets FILE}, one text per line) or a built-in set for a built-in task:
 * <ul>
 *   <li>{@code builtin:contradictory}: the instructions of the built-in tasks of the other kind
 *       ({@link WaywardTexts#contradictory});</li>
 *   <li>{@code builtin:true}: the task's instruction and its paraphrases;</li>
 *   <li>{@code builtin:unrelated}: WordNet definitions of things unrelated to the task, cut to
 *       exactly 4, 7, 14, 28 and 56 tokens under the model's tokenizer (the paper's prompt-length
 *       study).</li>
 * </ul>
 * Words the tokenizer cannot write flag a target ({@link TargetText#writable()}); callers score
 * only {@link #writable} targets and report the rest, or refuse them with
 * {@link #requireWritable}.
 */
public final class WaywardTargets {
    /** How a built-in set is named. */
    public static final String BUILTIN_PREFIX = "builtin:";
    /** The paper's prompt lengths for unrelated targets. */
    public static final List<Integer> UNRELATED_LENGTHS = List.of(4, 7, 14, 28, 56);

    private WaywardTargets() {}

    /**
     * The targets named by {@code spec}: {@code builtin:contradictory}, {@code builtin:true},
     * {@code builtin:unrelated} (one text per length of {@link #UNRELATED_LENGTHS}), or the path
     * of a targets file.
     *
     * @param task the built-in task the prompt solves ({@code topic} or {@code builtin:topic[:split]});
     *     needed by the built-in sets only, may be null for a file
     * @param contextLength the model's context; a target must leave room for an input
     */
    public static List<TargetText> resolve(String spec, String task, Tokenizer tokenizer, int contextLength) {
        if (spec == null || spec.isBlank()) {
            throw new IllegalArgumentException("no targets given: expected a file or one of " + builtinRefs());
        }
        if (!spec.startsWith(BUILTIN_PREFIX)) {
            return fromFile(Path.of(spec), tokenizer, contextLength);
        }
        TargetKind kind = builtinKind(spec);
        return kind == TargetKind.UNRELATED ? unrelated(task, tokenizer, contextLength, UNRELATED_LENGTHS, 1)
                : builtin(kind, task, tokenizer, contextLength);
    }

    /** Every line of {@code file} as a {@link TargetKind#FILE} target; errors name the file and the line. */
    public static List<TargetText> fromFile(Path file, Tokenizer tokenizer, int contextLength) {
        List<TargetText> out = new ArrayList<>();
        for (TargetFile.Line line : TargetFile.read(file)) {
            out.add(TargetText.of(line.text(), TargetKind.FILE, file + " line " + line.number(), tokenizer, contextLength));
        }
        return List.copyOf(out);
    }

    /** The contradictory or true set of a built-in task. */
    public static List<TargetText> builtin(TargetKind kind, String task, Tokenizer tokenizer, int contextLength) {
        String name = builtinTask(task, kind);
        List<String> texts = switch (kind) {
            case CONTRADICTORY -> WaywardTexts.contradictory(name);
            case TRUE -> WaywardTexts.trueDescriptions(name);
            default -> throw new IllegalArgumentException(kind + " is not a fixed built-in set (use "
                    + TargetKind.CONTRADICTORY.ref() + " or " + TargetKind.TRUE.ref() + ")");
        };
        String source = kind.ref() + " of " + name;
        return texts.stream().map(t -> TargetText.of(t, kind, source, tokenizer, contextLength)).toList();
    }

    /**
     * Unrelated texts of a built-in task: {@code perLength} texts of exactly each of
     * {@code lengths} tokens under {@code tokenizer}, all writable, no two from the same gloss.
     *
     * @throws IllegalArgumentException naming the length when the glosses cannot give it
     */
    public static List<TargetText> unrelated(String task, Tokenizer tokenizer, int contextLength, List<Integer> lengths,
            int perLength) {
        if (perLength < 1) {
            throw new IllegalArgumentException("texts per length must be >= 1, got " + perLength);
        }
        String name = builtinTask(task, TargetKind.UNRELATED);
        UnrelatedTargets glosses = new UnrelatedTargets(WaywardTexts.unrelatedGlosses(name), tokenizer);
        List<TargetText> out = new ArrayList<>();
        for (int length : lengths) {
            if (length < 1 || length >= contextLength) {
                throw new IllegalArgumentException("unrelated target length must be in [1, " + (contextLength - 1)
                        + "] for a context of " + contextLength + " positions, got " + length);
            }
            for (int i = 0; i < perLength; i++) {
                String text = glosses.next(length);
                if (text == null) {
                    throw new IllegalArgumentException("the unrelated glosses of " + name + " ran out before giving "
                            + perLength + " texts of exactly " + length + " tokens under this tokenizer");
                }
                String source = TargetKind.UNRELATED.ref() + " of " + name;
                out.add(TargetText.of(text, TargetKind.UNRELATED, source, tokenizer, contextLength));
            }
        }
        return List.copyOf(out);
    }

    /** The targets that may be scored: those whose every word the tokenizer writes. */
    public static List<TargetText> writable(List<TargetText> targets) {
        return targets.stream().filter(TargetText::writable).toList();
    }

    /** The targets that must not be scored, for the report. */
    public static List<TargetText> flagged(List<TargetText> targets) {
        return targets.stream().filter(t -> !t.writable()).toList();
    }

    /**
     * {@code targets} when every one is writable.
     *
     * @throws IllegalArgumentException listing each flagged target with its source and unknown words
     */
    public static List<TargetText> requireWritable(List<TargetText> targets) {
        List<TargetText> bad = flagged(targets);
        if (!bad.isEmpty()) {
            throw new IllegalArgumentException("the model's tokenizer cannot write " + bad.size() + " target"
                    + (bad.size() == 1 ? "" : "s") + ": " + bad.stream().map(TargetText::describe)
                    .collect(Collectors.joining("; ")));
        }
        return targets;
    }

    private static TargetKind builtinKind(String spec) {
        for (TargetKind k : TargetKind.values()) {
            if (k != TargetKind.FILE && k.ref().equals(spec)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown built-in targets '" + spec + "' (known: " + builtinRefs()
                + "; anything else is read as a file)");
    }

    private static String builtinRefs() {
        return String.join(", ", TargetKind.CONTRADICTORY.ref(), TargetKind.TRUE.ref(), TargetKind.UNRELATED.ref());
    }

    /** The built-in task name of {@code task} ({@code topic}, {@code builtin:topic} or {@code builtin:topic:dev}). */
    private static String builtinTask(String task, TargetKind kind) {
        if (task == null) {
            throw new IllegalArgumentException(kind.ref() + " needs the built-in task the prompt solves; for another task"
                    + " give a targets file");
        }
        if (BuiltinTasks.isRef(task)) {
            return BuiltinTasks.parse(task, Split.TRAIN).name();
        }
        if (!BuiltinTasks.names().contains(task)) {
            throw new IllegalArgumentException(kind.ref() + " needs a built-in task (one of "
                    + String.join(", ", BuiltinTasks.names()) + "), got '" + task + "'; for another task give a targets file");
        }
        return task;
    }
}
