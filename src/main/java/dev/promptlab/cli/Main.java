package dev.promptlab.cli;

import dev.promptlab.tensor.Devices;
import dev.promptlab.tensor.Engines;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code promptlab} command line: each subcommand parses, builds a config, calls one library entry point. */
@Command(name = "promptlab", mixinStandardHelpOptions = true, version = "promptlab 0.1.0",
        description = "Continuous prompts for frozen language models: learn, evaluate, generate, inspect.",
        subcommands = {InitModelCommand.class, PretrainCommand.class, TuneCommand.class, EvalCommand.class,
                GenerateCommand.class, TokenizeCommand.class, ScoreCommand.class, InspectCommand.class, BenchCommand.class,
                BayesCommand.class, WaywardCommand.class, IclStudyCommand.class, ReproduceCommand.class,
                TasksCommand.class, ModelsCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Every command takes it: the device of every tensor of the run (checked before any work). */
    @CommandLine.Option(names = "--device", scope = CommandLine.ScopeType.INHERIT, paramLabel = "DEVICE",
            description = "where the tensors live: auto (the engine's choice: a GPU when the CUDA natives and a GPU are"
                    + " there, else the CPU), cpu, gpu or gpu:N (default auto)")
    void device(String value) {
        try {
            Devices.use(Devices.parse(value));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }

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
        Devices.use(null); // each command line starts from the engine's default; --device sets it
        CommandLine cli = new CommandLine(new Main());
        // a usage error is one line, like every other error: the message and where the help is
        cli.setParameterExceptionHandler((ex, ignored) -> {
            CommandLine failed = ex.getCommandLine();
            failed.getErr().println("error: " + UserError.oneLine(ex.getMessage()) + " (see "
                    + failed.getCommandSpec().qualifiedName() + " --help)");
            return 2;
        });
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            Throwable cause = UserError.unwrap(ex);
            commandLine.getErr().println("error: " + UserError.message(ex));
            if (System.getenv("PROMPTLAB_DEBUG") != null) {
                ex.printStackTrace(commandLine.getErr());
            }
            return UserError.isUserError(cause) ? 2 : 1;
        });
        try {
            return cli.execute(args);
        } catch (OutOfMemoryError e) { // picocli passes Errors through: one line here too, not a stack trace
            System.err.println("error: the Java heap is full (" + UserError.oneLine(String.valueOf(e.getMessage()))
                    + "); give Java more with PROMPTLAB_JAVA_OPTS=-Xmx<size> (tensors live outside the heap)");
            return 1;
        }
    }
}
