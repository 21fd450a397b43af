package dev.promptlab.cli;

import dev.promptlab.tensor.Devices;
import dev.promptlab.tensor.Engines;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.util.List;

/** The {@code promptlab} command line: each subcommand parses, builds a config, calls one library entry point. */
@Command(name = "promptlab", mixinStandardHelpOptions = true, version = "promptlab 0.1.0",
        description = "Continuous prompts for frozen language models: learn, evaluate, generate, inspect.")
public final class Main implements Runnable {
    /**
     * The subcommands, in the order help lists them. picocli reflects over every option of every
     * subcommand it is given, which took 0.4 s of each start (measured: {@code --version} 0.50 s
     * with all sixteen); a command line that names one gets only that one ({@link #commandLine}).
     */
    static final List<Class<?>> COMMANDS = List.of(InitModelCommand.class, PretrainCommand.class, TuneCommand.class,
            EvalCommand.class, GenerateCommand.class, TokenizeCommand.class, ScoreCommand.class, InspectCommand.class,
            BenchCommand.class, BayesCommand.class, WaywardCommand.class, IclStudyCommand.class, ReproduceCommand.class,
            TasksCommand.class, ModelsCommand.class, CommandLine.HelpCommand.class);

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
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command"); // the handler adds where the help is
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit code (0 ok, 1 failure, 2 bad input). */
    public static int run(String... args) {
        Engines.configureOffline();
        Devices.use(null); // each command line starts from the engine's default; --device sets it
        CommandLine cli = commandLine(args);
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

    /**
     * The command line for {@code args}: with only the subcommand they name; with all of them when
     * they ask for help ({@code help}, {@code -h}, {@code --help}) or name an unknown command (so
     * that help lists every command and an unknown name is reported against the full list); with
     * none when they name no command ({@code --version}, or a missing command, which is an error).
     * The handlers are set after this, so they cover the subcommand too.
     */
    static CommandLine commandLine(String... args) {
        CommandLine cli = new CommandLine(new Main());
        String word = firstWord(args);
        Class<?> named = word == null ? null : command(word);
        List<Class<?>> added = named != null ? List.of(named) : word != null || asksHelp(args) ? COMMANDS : List.of();
        for (Class<?> command : added) {
            // as its own CommandLine: built this way the command's model transformer runs (tune's method
            // flags, MethodFlags), which picocli's addSubcommand(Class) skips
            cli.addSubcommand(new CommandLine(command));
        }
        return cli;
    }

    /** The first argument that is neither an option of promptlab's own nor --device's value, or null. */
    private static String firstWord(String[] args) {
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--device")) {
                i++; // its value
            } else if (!args[i].startsWith("-")) {
                return args[i];
            }
        }
        return null;
    }

    /** Whether promptlab's own options ask for help: --help, or -h alone or clustered (-hV). */
    private static boolean asksHelp(String[] args) {
        for (String a : args) {
            if (a.equals("--help") || (a.startsWith("-") && !a.startsWith("--") && a.contains("h"))) {
                return true;
            }
        }
        return false;
    }

    /** The subcommand class named {@code name} (help's excepted: it needs them all), or null. */
    private static Class<?> command(String name) {
        for (Class<?> command : COMMANDS) {
            if (command != CommandLine.HelpCommand.class && command.getAnnotation(Command.class).name().equals(name)) {
                return command;
            }
        }
        return null;
    }
}
