package dev.promptlab.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * promptlab's command line in a child JVM with this test's class path, for what needs a process
 * of its own: to be killed with SIGKILL, or to hold a run's lock against this one.
 */
final class ChildJvm {
    private ChildJvm() {}

    /** The java command that runs promptlab's Main with {@code args}, one engine thread, offline. */
    static List<String> command(List<String> args) {
        return command(Main.class, args);
    }

    /** The java command that runs {@code main} (a class with a main method) with {@code args}, likewise. */
    static List<String> command(Class<?> main, List<String> args) {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-Dai.djl.offline=true", "-Dai.djl.pytorch.num_threads=1", "-Dai.djl.pytorch.num_interop_threads=1",
                "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), main.getName()));
        cmd.addAll(args);
        return cmd;
    }

    /** Starts promptlab {@code args}; its output (both streams) goes to {@code log}. */
    static Process start(List<String> args, Path log) throws IOException {
        return start(Main.class, args, log);
    }

    /** Starts {@code main} with {@code args}; its output (both streams) goes to {@code log}. */
    static Process start(Class<?> main, List<String> args, Path log) throws IOException {
        return new ProcessBuilder(command(main, args)).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }
}
