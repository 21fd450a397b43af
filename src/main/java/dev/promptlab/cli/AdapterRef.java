package dev.promptlab.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the tune run an adapter directory came from, so eval and generate can reuse its template and labels. */
final class AdapterRef {
    private AdapterRef() {}

    /** The resolved config.json of the run that wrote {@code adapterDir}, or null. */
    static JsonNode runConfig(Path adapterDir) throws IOException {
        if (adapterDir == null) {
            return null;
        }
        Path parent = adapterDir.toAbsolutePath().getParent();
        Path file = parent == null ? null : parent.resolve("config.json");
        if (file == null || !Files.isRegularFile(file)) {
            return null;
        }
        JsonNode node = new ObjectMapper().readTree(file.toFile());
        return "tune".equals(node.path("command").asText()) ? node : null;
    }
}
