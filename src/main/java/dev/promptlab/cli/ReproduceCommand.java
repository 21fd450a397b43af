package dev.promptlab.cli;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** Runs the papers' studies on the built-in models (none is available yet). */
@Command(name = "reproduce", mixinStandardHelpOptions = true,
        description = "Reproduce the papers' studies on built-in models and write their reports.")
final class ReproduceCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.out.println("promptlab reproduce: no study is available yet. The foundation (models, soft prompts,"
                + " training, evaluation) is in place; the Bayesian prompting, waywardness and ICL/IPT studies"
                + " come next.");
        return 0;
    }
}
