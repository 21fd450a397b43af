package dev.promptlab.cli;

import dev.promptlab.tensor.Engines;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code promptlab} command line: each subcommand parses, builds a config, calls one library entry point. */
@Command(name = "promptlab", mixinStandardHelpOptions = true, version = "promptlab 0.1.0",
        description = "Continuous prompts for frozen language models: learn, evaluate, generate, inspect.",
        subcommands = {InitModelCommand.class, PretrainCommand.class, TuneCommand.class, EvalCommand.class,
                GenerateCommand.class, TokenizeCommand.class, ScoreCommand.class, InspectCommand.class, BenchCommand.class, BayesCommand.class, WaywardCommand.class,
                ReproduceCommand.class,
                TasksCommand.class, ModelsCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command (see promptlab --help)");
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit code (0 ok, 1 failure, 2 bad input). */
    public static int run(String... args) {
        Engines.configureOffline();
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            Throwable cause = ex;
            while (cause instanceof java.io.UncheckedIOException && cause.getCause() != null) {
                cause = cause.getCause();
            }
            commandLine.getErr().println("error: " + (cause.getMessage() == null ? cause.toString() : cause.getMessage()));
            if (System.getenv("PROMPTLAB_DEBUG") != null) {
                ex.printStackTrace(commandLine.getErr());
            }
            return UserError.isUserError(cause) ? 2 : 1;
        });
        return cli.execute(args);
    }
}
