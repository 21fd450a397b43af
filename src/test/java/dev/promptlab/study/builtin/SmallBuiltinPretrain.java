package dev.promptlab.study.builtin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptlab.tensor.Engines;

import java.io.IOException;
import java.nio.file.Path;

/**
 * {@code pretrain --builtin} of {@link BuiltinPretrainResumeTest#RECIPE}, a recipe small enough
 * for a test (the command line's recipes train for minutes to hours), as a program a child JVM
 * runs and kills: {@code OUT [--resume]}, checkpoints every 10 steps, no figures.
 */
public final class SmallBuiltinPretrain {
    private SmallBuiltinPretrain() {}

    public static void main(String[] args) throws IOException {
        Engines.configureOffline();
        run(Path.of(args[0]), args.length > 1 && args[1].equals("--resume"));
        System.exit(0);
    }

    /** The run, in this JVM. */
    public static ObjectNode run(Path out, boolean resume) throws IOException {
        return BuiltinPretraining.run(BuiltinPretrainResumeTest.RECIPE, out,
                new BuiltinPretraining.Options(resume, 10, false, false));
    }
}
