package dev.promptlab.analysis;

import dev.promptlab.task.DataFormatException;
import dev.promptlab.task.TaskKind;
import dev.promptlab.task.builtin.wordnet.BuiltinTasks;
import dev.promptlab.tokenize.WordTokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Target texts from files and from specs: tokenization, unknown words flagged, and every error naming its value. */
class WaywardTargetsTest {
    private static final WordTokenizer TOKENIZER = WordTokenizer.ofWords(List.of("write", "the", "plural", "of", "a",
            "noun", "say", "cat", "dog", ".", ","));
    private static final int CONTEXT = 16;
    @TempDir
    Path dir;

    private Path file(String name, String content) throws Exception {
        Path f = dir.resolve(name);
        Files.writeString(f, content);
        return f;
    }

    private static String message(Throwable t) {
        return t.getMessage();
    }

    @Test
    void aFileGivesOneTargetPerLineWithItsTokens() throws Exception {
        Path f = file("targets.txt", "\uFEFFWrite the plural of a noun.\nsay cat, dog\n");
        List<TargetText> targets = WaywardTargets.resolve(f.toString(), null, TOKENIZER, CONTEXT);
        assertEquals(2, targets.size());
        TargetText first = targets.get(0);
        assertEquals("Write the plural of a noun.", first.text());
        assertEquals(TargetKind.FILE, first.kind());
        assertArrayEquals(TOKENIZER.encode("write the plural of a noun ."), first.ids());
        assertEquals(7, first.promptLength());
        assertTrue(first.writable());
        assertEquals(f + " line 2", targets.get(1).source());
        assertEquals(4, targets.get(1).promptLength()); // say, cat, the comma, dog
    }

    @Test
    void badFilesAreErrorsNamingTheFileAndTheLine() throws Exception {
        Path missing = dir.resolve("nope.txt");
        assertTrue(message(assertThrows(IllegalArgumentException.class,
                () -> WaywardTargets.fromFile(missing, TOKENIZER, CONTEXT))).contains(missing.toString()));
        Path empty = file("empty.txt", "");
        String m = message(assertThrows(DataFormatException.class, () -> WaywardTargets.fromFile(empty, TOKENIZER, CONTEXT)));
        assertTrue(m.contains(empty.toString()) && m.contains("empty"), m);
        Path blank = file("blank.txt", "cat\n  \ndog\n");
        m = message(assertThrows(DataFormatException.class, () -> WaywardTargets.fromFile(blank, TOKENIZER, CONTEXT)));
        assertTrue(m.contains(blank.toString()) && m.contains("line 2") && m.contains("blank"), m);
        Path twice = file("twice.txt", "cat dog\ndog\ncat dog \n");
        m = message(assertThrows(DataFormatException.class, () -> WaywardTargets.fromFile(twice, TOKENIZER, CONTEXT)));
        assertTrue(m.contains("line 3 repeats line 1"), m);
    }

    @Test
    void wordsTheTokenizerCannotWriteFlagTheTargetAndNeverPassRequireWritable() throws Exception {
        Path f = file("t.txt", "say cat\nsay zyzzyva, dog\n");
        List<TargetText> targets = WaywardTargets.fromFile(f, TOKENIZER, CONTEXT);
        TargetText flagged = targets.get(1);
        assertFalse(flagged.writable());
        assertEquals(List.of("zyzzyva,"), flagged.unknownWords());
        assertEquals(List.of(targets.get(0)), WaywardTargets.writable(targets));
        assertEquals(List.of(flagged), WaywardTargets.flagged(targets));
        String m = message(assertThrows(IllegalArgumentException.class, () -> WaywardTargets.requireWritable(targets)));
        assertTrue(m.contains("say zyzzyva, dog") && m.contains(f + " line 2") && m.contains("zyzzyva"), m);
        assertEquals(targets.subList(0, 1), WaywardTargets.requireWritable(targets.subList(0, 1)));
    }

    @Test
    void aTargetWithNoWritableWordOrTooLongIsAnError() throws Exception {
        Path none = file("none.txt", "zyzzyva quux\n");
        String m = message(assertThrows(IllegalArgumentException.class,
                () -> WaywardTargets.fromFile(none, TOKENIZER, CONTEXT)));
        assertTrue(m.contains("zyzzyva quux") && m.contains("line 1") && m.contains("no word"), m);
        Path tooLong = file("long.txt", "cat ".repeat(CONTEXT) + "\n");
        m = message(assertThrows(IllegalArgumentException.class,
                () -> WaywardTargets.fromFile(tooLong, TOKENIZER, CONTEXT)));
        assertTrue(m.contains("has 16 tokens") && m.contains("at most 15"), m);
        // one fewer token than the context leaves one position for the input: allowed
        Path fits = file("fits.txt", "cat ".repeat(CONTEXT - 1) + "\n");
        assertEquals(CONTEXT - 1, WaywardTargets.fromFile(fits, TOKENIZER, CONTEXT).get(0).promptLength());
    }

    @Test
    void builtinSetsNeedABuiltinTaskAndAKnownName() {
        String m = message(assertThrows(IllegalArgumentException.class,
                () -> WaywardTargets.resolve("builtin:true", null, TOKENIZER, CONTEXT)));
        assertTrue(m.contains("builtin:true") && m.contains("targets file"), m);
        m = message(assertThrows(IllegalArgumentException.class,
                () -> WaywardTargets.resolve("builtin:true", "sentiment", TOKENIZER, CONTEXT)));
        assertTrue(m.contains("sentiment") && m.contains("topic"), m);
        m = message(assertThrows(IllegalArgumentException.class,
                () -> WaywardTargets.resolve("builtin:wrong", "topic", TOKENIZER, CONTEXT)));
        assertTrue(m.contains("builtin:wrong") && m.contains("builtin:contradictory"), m);
        assertThrows(IllegalArgumentException.class, () -> WaywardTargets.resolve("builtin:file", "topic", TOKENIZER, CONTEXT));
    }

    @Test
    void builtinSetsCarryTheirKindAndTask() {
        List<TargetText> contradictory = WaywardTargets.resolve("builtin:contradictory", "builtin:topic:dev", TOKENIZER, 64);
        assertEquals("Write the plural form of the given noun.", contradictory.get(0).text(),
                "topic's designated contradiction (plural) comes first");
        long generation = BuiltinTasks.names().stream()
                .filter(n -> BuiltinTasks.spec(n).kind() == TaskKind.GENERATION).count();
        assertEquals(generation, contradictory.size()); // every generation task's instruction
        assertTrue(contradictory.stream().allMatch(t -> t.kind() == TargetKind.CONTRADICTORY
                && t.source().equals("builtin:contradictory of topic")));
        List<TargetText> truth = WaywardTargets.resolve("builtin:true", "plural", TOKENIZER, 64);
        assertEquals("Write the plural form of the given noun.", truth.get(0).text());
        assertTrue(truth.size() >= 3 && truth.stream().allMatch(t -> t.kind() == TargetKind.TRUE));
        // this small vocabulary cannot write "form" or "given": flagged, not dropped
        assertEquals(List.of("form", "given"), truth.get(0).unknownWords());
    }
}
