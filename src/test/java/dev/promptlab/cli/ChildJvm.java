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
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-Dai.djl.offline=true", "-Dai.djl.pytorch.num_threads=1", "-Dai.djl.pytorch.num_interop_threads=1",
                "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(args);
        return cmd;
    }

    /** Starts promptlab {@code args}; its output (both streams) goes to {@code log}. */
    static Process start(List<String> args, Path log) throws IOException {
        return new ProcessBuilder(command(args)).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }
}
