package dev.promptlab.task.builtin.wordnet;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptlab.task.Example;
import dev.promptlab.tensor.AtomicFiles;
import dev.promptlab.tensor.PromptlabHome;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Built-in tasks are extracted from WordNet once and kept in {@code $PROMPTLAB_HOME/tasks/}:
 * parsing WordNet takes seconds and a gigabyte and a half, while reading a task's splits back
 * takes milliseconds. A file is keyed by a hash of the task's spec and of the extraction code
 * itself (its class files), so changing either builds the task afresh; WordNet 3.1 is fixed.
 * An unreadable cache file is ignored and rebuilt, never trusted.
 */
final class TaskCache {
    private static final JsonFactory STREAM = new JsonFactory();
    /** The classes whose code decides what a task's splits contain. */
    private static final List<Class<?>> EXTRACTION = List.of(BuiltinTasks.class, Extractors.class, WordNet.class,
            Split.class, Item.class, TaskSpec.class, Gloss.class);
    private static final String CODE_HASH = codeHash();

    private TaskCache() {}

    /** The task from the cache in {@code $PROMPTLAB_HOME/tasks} if it is there and sound, else built and cached. */
    static BuiltinTask load(TaskSpec spec, String contradiction, java.util.function.Supplier<BuiltinTask> build) {
        return load(PromptlabHome.dir().resolve("tasks"), spec, contradiction, build);
    }

    /** The task from the cache in {@code dir} if it is there and sound, else built and cached there. */
    static BuiltinTask load(Path dir, TaskSpec spec, String contradiction, java.util.function.Supplier<BuiltinTask> build) {
        Path file = file(dir, spec);
        if (Files.isRegularFile(file)) {
            try {
                return read(file, spec, contradiction);
            } catch (IOException | RuntimeException e) {
                // a damaged or foreign file: rebuild it below
            }
        }
        BuiltinTask task = build.get();
        try {
            write(file, task);
        } catch (IOException e) {
            // a read-only home only costs time: the task is built again next time
        }
        return task;
    }

    static Path file(Path dir, TaskSpec spec) {
        return dir.resolve(spec.name() + "-" + key(spec) + ".json.gz");
    }

    private static String key(TaskSpec spec) {
        // the spec's fields that can change what is extracted (the extractor itself is hashed as code)
        String fields = String.join("\u0000", spec.name(), spec.kind().name(), spec.template().pattern(),
                String.join("\u0001", spec.labels()), CODE_HASH);
        return sha256(fields.getBytes(java.nio.charset.StandardCharsets.UTF_8)).substring(0, 16);
    }

    private static void write(Path file, BuiltinTask task) throws IOException {
        ObjectMapper json = new ObjectMapper(); // only here: reading needs no mapper (see read)
        ObjectNode root = json.createObjectNode();
        root.put("task", task.name());
        ObjectNode splits = root.putObject("splits");
        for (Split s : Split.values()) {
            ArrayNode items = splits.putArray(s.label());
            for (Item item : task.items(s)) {
                ObjectNode o = items.addObject();
                item.lemmas().forEach(o.putArray("lemmas")::add);
                o.put("input", item.example().input());
                o.put("output", item.example().output());
            }
        }
        Files.createDirectories(file.getParent());
        AtomicFiles.write(file, out -> {
            try (OutputStream gz = new GZIPOutputStream(out)) {
                json.writeValue(gz, root);
            }
        });
    }

    /**
     * Reads with Jackson's streaming parser, not its tree: building the object mapper and the
     * tree took about a third of a second of {@code promptlab tasks}, which reads every task.
     */
    private static BuiltinTask read(Path file, TaskSpec spec, String contradiction) throws IOException {
        String task = null;
        Map<Split, List<Item>> splits = new EnumMap<>(Split.class);
        try (InputStream in = new GZIPInputStream(Files.newInputStream(file)); JsonParser p = STREAM.createParser(in)) {
            expect(p, JsonToken.START_OBJECT, file);
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.getCurrentName();
                JsonToken value = p.nextToken();
                if (field.equals("task")) {
                    task = p.getValueAsString();
                } else if (field.equals("splits") && value == JsonToken.START_OBJECT) {
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        Split split = splitNamed(p.getCurrentName(), file);
                        expect(p, JsonToken.START_ARRAY, file);
                        List<Item> items = new ArrayList<>();
                        while (p.nextToken() == JsonToken.START_OBJECT) {
                            items.add(item(p, file));
                        }
                        ended(p, JsonToken.END_ARRAY, file);
                        splits.put(split, items);
                    }
                    ended(p, JsonToken.END_OBJECT, file);
                } else {
                    p.skipChildren();
                }
            }
            // a file cut anywhere (complete gzip, partial JSON) must fail here, not read as fewer items
            ended(p, JsonToken.END_OBJECT, file);
            if (p.nextToken() != null) {
                throw new IOException(file + ": data after the end at " + p.getCurrentLocation());
            }
        }
        if (!spec.name().equals(task)) {
            throw new IOException(file + " holds task " + task);
        }
        for (Split s : Split.values()) {
            splits.putIfAbsent(s, List.of());
        }
        return new BuiltinTask(spec, contradiction, splits);
    }

    /** One {@code {"lemmas": [...], "input": ..., "output": ...}}, the parser on its opening brace. */
    private static Item item(JsonParser p, Path file) throws IOException {
        List<String> lemmas = new ArrayList<>();
        String input = null;
        String output = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.getCurrentName();
            JsonToken value = p.nextToken();
            switch (field) {
                case "lemmas" -> {
                    if (value != JsonToken.START_ARRAY) {
                        throw new IOException(file + ": lemmas is not a list");
                    }
                    while (p.nextToken() == JsonToken.VALUE_STRING) {
                        lemmas.add(p.getText());
                    }
                    ended(p, JsonToken.END_ARRAY, file);
                }
                case "input" -> input = p.getValueAsString();
                case "output" -> output = p.getValueAsString();
                default -> p.skipChildren();
            }
        }
        ended(p, JsonToken.END_OBJECT, file);
        if (input == null || output == null) {
            throw new IOException(file + ": an item without input or output");
        }
        return new Item(lemmas, new Example(input, output));
    }

    private static Split splitNamed(String label, Path file) throws IOException {
        for (Split s : Split.values()) {
            if (s.label().equals(label)) {
                return s;
            }
        }
        throw new IOException(file + " holds an unknown split '" + label + "'");
    }

    private static void expect(JsonParser p, JsonToken token, Path file) throws IOException {
        p.nextToken();
        ended(p, token, file);
    }

    /** Fails unless the parser's current token is {@code token} (a loop over a list or object ended properly). */
    private static void ended(JsonParser p, JsonToken token, Path file) throws IOException {
        if (p.currentToken() != token) {
            throw new IOException(file + ": expected " + token + " at " + p.getCurrentLocation() + ", found "
                    + p.currentToken());
        }
    }

    private static String codeHash() {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            for (Class<?> c : EXTRACTION) {
                try (InputStream in = c.getResourceAsStream(c.getSimpleName() + ".class")) {
                    if (in != null) {
                        d.update(in.readAllBytes());
                    }
                }
            }
            return HexFormat.of().formatHex(d.digest());
        } catch (IOException | NoSuchAlgorithmException e) {
            return "unhashed-" + System.nanoTime(); // cannot tell the code's version: never reuse a cache file
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
