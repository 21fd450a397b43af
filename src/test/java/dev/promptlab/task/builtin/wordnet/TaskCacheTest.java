package dev.promptlab.task.builtin.wordnet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

/** A built-in task read back from the cache is the task WordNet gives; a damaged cache file is rebuilt. */
class TaskCacheTest {
    @TempDir
    Path dir;

    @Test
    void theCachedTaskEqualsTheBuiltOneAndDamageIsRebuilt() throws Exception {
        TaskSpec spec = BuiltinTasks.spec("polarity");
        String contradiction = BuiltinTasks.spec(spec.contradictsWith()).instruction();
        BuiltinTask built = BuiltinTasks.build(spec, WordNet.get());
        AtomicInteger builds = new AtomicInteger();
        BuiltinTask first = TaskCache.load(dir, spec, contradiction, () -> {
            builds.incrementAndGet();
            return built;
        });
        assertSame(built, first);
        assertTrue(Files.isRegularFile(TaskCache.file(dir, spec)));
        BuiltinTask cached = TaskCache.load(dir, spec, contradiction, () -> {
            builds.incrementAndGet();
            return built;
        });
        assertEquals(1, builds.get(), "the second load reads the cache");
        assertNotSame(built, cached);
        for (Split s : Split.values()) {
            assertEquals(built.items(s), cached.items(s), s.label());
        }
        assertEquals(built.contradictoryInstruction(), cached.contradictoryInstruction());

        Files.write(TaskCache.file(dir, spec), new byte[] {31, -117, 8, 0, 1, 2}); // a truncated gzip stream
        BuiltinTask rebuilt = TaskCache.load(dir, spec, contradiction, () -> {
            builds.incrementAndGet();
            return built;
        });
        assertEquals(2, builds.get(), "a damaged file is rebuilt, not trusted");
        assertSame(built, rebuilt);
        assertEquals(built.items(Split.TEST), TaskCache.load(dir, spec, contradiction, () -> {
            throw new AssertionError("the rewritten file must be read");
        }).items(Split.TEST));

        // a sound gzip stream whose JSON is cut off (inside a lemma list, between items, before the
        // last brace) is rebuilt too, never read as a task with fewer items
        String whole;
        try (var in = new java.util.zip.GZIPInputStream(Files.newInputStream(TaskCache.file(dir, spec)))) {
            whole = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        for (int cut : new int[] {whole.indexOf("\"lemmas\":[") + 10, whole.indexOf("},{") + 2, whole.length() - 1}) {
            try (var out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(TaskCache.file(dir, spec)))) {
                out.write(whole.substring(0, cut).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
            int before = builds.get();
            assertSame(built, TaskCache.load(dir, spec, contradiction, () -> {
                builds.incrementAndGet();
                return built;
            }), "cut at " + cut);
            assertEquals(before + 1, builds.get(), "cut at " + cut);
        }
    }
}
