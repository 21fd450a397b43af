package dev.promptlab.adapt;

import ai.djl.ndarray.NDManager;
import dev.promptlab.model.LanguageModel;
import dev.promptlab.train.AdapterObjective;
import dev.promptlab.train.Batch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** What the adapter-method tests share: a root manager per test, a temporary directory, and logits of windows. */
abstract class AdapterTestBase {
    @TempDir
    Path dir;
    NDManager root;

    @BeforeEach
    void openManager() {
        root = NDManager.newBaseManager();
    }

    @AfterEach
    void closeManager() {
        root.close();
    }

    /** Logits (B, T, V) of the windows' inputs with {@code adapter} (or none), as a flat array. */
    float[] logits(LanguageModel model, Adapter adapter, int[][] windows) {
        try (NDManager scope = root.newSubManager()) {
            return AdapterObjective.logits(model, adapter, Batch.ofWindows(windows, scope).ids()).toFloatArray();
        }
    }
}
