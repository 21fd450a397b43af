package dev.promptlab.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class BayesCommandTest {
    private static String errorOf(String... args) {
        PrintStream old = System.err;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buffer, true));
        try {
            assertEquals(2, Main.run(args), "exit code of " + List.of(args));
        } finally {
            System.setErr(old);
        }
        return buffer.toString();
    }

    @Test
    void badValuesAreNamedWithWhatIsAllowed(@TempDir Path dir) {
        String out = dir.resolve("run").toString();
        String e = errorOf("bayes", "--quick", "--networks", "lstm,gru", "--out", out);
        assertTrue(e.contains("'gru'") && e.contains("lstm, transformer"), e);
        e = errorOf("bayes", "--quick", "--reps", "0", "--out", out);
        assertTrue(e.contains("--reps") && e.contains("0"), e);
        e = errorOf("bayes", "--quick", "--prefix-length", "13", "--out", out);
        assertTrue(e.contains("--prefix-length") && e.contains("13") && e.contains("[1, 12]"), e);
        e = errorOf("bayes", "--quick", "--threads", "0", "--out", out);
        assertTrue(e.contains("--threads"), e);
    }

    @Test
    void variantFlagsSelectPretrainedUntrainedOrBoth() {
        var both = BayesCommand.config(true, List.of("lstm"), false, false, null, 0);
        assertTrue(both.pretrained() && both.untrained());
        assertEquals(3, both.reps());
        var untrained = BayesCommand.config(true, List.of("lstm"), false, true, 5, 0);
        assertTrue(!untrained.pretrained() && untrained.untrained());
        assertEquals(5, untrained.reps());
        var pretrained = BayesCommand.config(false, List.of("transformer"), true, false, null, 0);
        assertTrue(pretrained.pretrained() && !pretrained.untrained());
        assertEquals(10, pretrained.reps());
    }
}
