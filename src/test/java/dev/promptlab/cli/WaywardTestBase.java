package dev.promptlab.cli;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

/** Base of the waywardness tests: one small world (model, task files, targets) per test class, a fresh directory per test. */
abstract class WaywardTestBase {
    @TempDir
    static Path shared;
    static WaywardFixtures world;
    @TempDir
    Path dir;

    @BeforeAll
    static void world() throws IOException {
        world = WaywardFixtures.create(shared);
    }
}
