package dev.promptlab.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/** The command line holds only the subcommand it runs, except where help or an error needs them all. */
class MainCommandLineTest {
    private static Set<String> subcommands(String... args) {
        return Main.commandLine(args).getSubcommands().keySet();
    }

    private static final Set<String> ALL = Set.copyOf(Main.COMMANDS.stream()
            .map(c -> c.getAnnotation(CommandLine.Command.class).name()).toList());

    @Test
    void aNamedCommandIsTheOnlyOneIntrospected() {
        assertEquals(Set.of("tasks"), subcommands("tasks"));
        assertEquals(Set.of("tune"), subcommands("tune", "--steps", "3"));
        assertEquals(Set.of("eval"), subcommands("--device", "cpu", "eval", "--help"));
        assertEquals(Set.of("bench"), subcommands("--device=cpu", "bench"));
    }

    @Test
    void helpAndUnknownNamesSeeEveryCommand() {
        assertEquals(16, ALL.size(), "every subcommand class has a distinct name");
        for (List<String> args : List.of(List.of("--help"), List.of("-h"), List.of("-hV"), List.of("help", "tune"),
                List.of("tunee"), List.of("--device", "cpu", "--help"))) {
            assertEquals(ALL, subcommands(args.toArray(String[]::new)), String.join(" ", args));
        }
    }

    @Test
    void noCommandAndNoHelpNeedsNone() {
        for (List<String> args : List.of(List.<String>of(), List.of("--version"), List.of("-V"),
                List.of("--device", "tune"), List.of("--device=cpu"))) {
            assertEquals(Set.of(), subcommands(args.toArray(String[]::new)), String.join(" ", args));
        }
        CliRunner.Result missing = CliRunner.run("--device", "cpu");
        assertEquals(2, missing.exitCode(), "a missing command is a usage error");
        assertEquals("error: missing command (see promptlab --help)", missing.err().strip(), "said once");
        assertEquals(0, Main.run("--version"));
    }

    @Test
    void theInheritedDeviceOptionReachesALazilyAddedCommand() {
        CommandLine tasks = Main.commandLine("tasks").getSubcommands().get("tasks");
        assertNotNull(tasks.getCommandSpec().findOption("--device"));
        assertEquals(2, Main.run("tasks", "--device", "tpu"), "a bad device is a usage error of the subcommand");
    }
}
