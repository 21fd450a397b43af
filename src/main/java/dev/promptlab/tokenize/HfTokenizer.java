package dev.promptlab.tokenize;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.promptlab.tensor.AtomicFiles;
import dev.promptlab.tensor.JsonErrors;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Any Hugging Face tokenizer, run by the Rust {@code tokenizers} library through DJL's binding
 * ({@link HuggingFaceTokenizer}; its native library ships inside the DJL jar, so nothing is
 * downloaded).
 *
 * <p>A model directory provides either {@code tokenizer.json}, or GPT-2 style
 * {@code vocab.json} + {@code merges.txt} (byte-level BPE), from which the equivalent
 * {@code tokenizer.json} is built in memory. Encoding never adds special tokens and never
 * truncates or pads. BOS/EOS/PAD come from {@code tokenizer_config.json} ({@code bos_token},
 * {@code eos_token}, {@code pad_token}, {@code add_bos_token}) when it sets them, else from
 * {@code config.json} ({@code bos_token_id}, {@code eos_token_id}, {@code pad_token_id}), else
 * -1. {@link #token} and {@link #id} read the vocabulary from the JSON, without native calls.
 *
 * <p>Holds a native handle: {@link #close()} frees it early (DJL's finalizer frees it
 * otherwise). Whether DJL's binding may be called from several threads at once has not been
 * verified here; promptlab tokenizes on the training thread.
 */
public final class HfTokenizer implements Tokenizer, AutoCloseable {
    /** The files {@link #save} copies when they were present in the source directory. */
    private static final List<String> SIDE_FILES = List.of("tokenizer_config.json", "special_tokens_map.json");

    private final HuggingFaceTokenizer hf;
    private final String[] byId; // id -> token (null for holes)
    private final Map<String, Integer> ids;
    private final List<Integer> specialIds;
    private final int bosId;
    private final int eosId;
    private final int padId;
    private final boolean addsBos;
    private final Path sourceDir;
    private final List<String> sourceFiles; // file names in sourceDir that define this tokenizer

    private HfTokenizer(Path dir, List<String> sourceFiles, String tokenizerJson, JsonNode root,
                        JsonNode tokenizerConfig, JsonNode config) {
        this.sourceDir = dir;
        this.sourceFiles = List.copyOf(sourceFiles);

        // Vocabulary: the model's, plus added tokens (which may lie outside it, or re-use a vocabulary string:
        // then both ids exist, and the string reads as the added one)
        List<Map.Entry<String, Integer>> entries = new ArrayList<>();
        JsonNode vocab = root.path("model").path("vocab");
        if (vocab.isObject()) { // BPE, WordPiece, WordLevel
            vocab.fields().forEachRemaining(e -> entries.add(Map.entry(e.getKey(),
                    tokenId(dir, "model.vocab \"" + e.getKey() + "\"", e.getValue()))));
        } else if (vocab.isArray() && vocab.size() < MAX_ID) { // Unigram: [[piece, score], ...], id = position
            for (int i = 0; i < vocab.size(); i++) {
                entries.add(Map.entry(vocab.get(i).path(0).asText(), i));
            }
        } else {
            throw new IllegalArgumentException("tokenizer.json in " + dir
                    + " has no model.vocab (object, or array of fewer than " + MAX_ID + " pieces), found "
                    + (vocab.isArray() ? "an array of " + vocab.size() : vocab.getNodeType()));
        }
        List<Integer> specials = new ArrayList<>();
        for (JsonNode t : root.path("added_tokens")) {
            String content = t.path("content").isTextual() ? t.path("content").asText() : null;
            if (content == null || !t.path("id").isIntegralNumber()) {
                throw new IllegalArgumentException("tokenizer.json in " + dir + ": bad added_tokens entry " + t);
            }
            int id = tokenId(dir, "added_tokens \"" + content + "\"", t.path("id"));
            entries.add(Map.entry(content, id));
            if (t.path("special").asBoolean(false)) {
                specials.add(id);
            }
        }
        Collections.sort(specials);
        int size = 0;
        for (Map.Entry<String, Integer> e : entries) {
            size = Math.max(size, e.getValue() + 1);
        }
        byId = new String[size];
        Map<String, Integer> m = new HashMap<>();
        for (Map.Entry<String, Integer> e : entries) { // later entries (added tokens) win, as in the library
            byId[e.getValue()] = e.getKey();
            m.put(e.getKey(), e.getValue());
        }
        this.ids = m;
        this.specialIds = List.copyOf(specials);

        this.bosId = specialId(tokenizerConfig, "bos_token", config, "bos_token_id");
        this.eosId = specialId(tokenizerConfig, "eos_token", config, "eos_token_id");
        this.padId = specialId(tokenizerConfig, "pad_token", config, "pad_token_id");
        this.addsBos = tokenizerConfig != null && tokenizerConfig.path("add_bos_token").asBoolean(false);

        refuseWhatCrashesTheLibrary(dir, root);
        // Options: no special tokens added, no truncation, no padding (DJL defaults to truncating
        // at 512 and padding to the longest, which would silently corrupt long prompts).
        Map<String, String> options = Map.of("addSpecialTokens", "false", "truncation", "false", "padding", "false");
        try {
            this.hf = HuggingFaceTokenizer.newInstance(
                    new ByteArrayInputStream(tokenizerJson.getBytes(StandardCharsets.UTF_8)), options);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("the tokenizers library rejected the tokenizer of " + dir
                    + " (" + String.join(", ", sourceFiles) + "): " + e.getMessage(), e);
        }
        // the library accepts some files it cannot encode with (a WordLevel model whose unk_token is not in its
        // vocabulary fails on the first unknown word): find out now, not in the middle of a run
        try {
            hf.encode(PROBE, false, false);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("the tokenizer of " + dir + " (" + String.join(", ", sourceFiles)
                    + ") cannot encode text: " + e.getMessage(), e);
        }
    }

    /**
     * Refuses, with an {@link IllegalArgumentException}, what the Rust tokenizers library (0.21)
     * does not reject but panics on, which aborts the whole JVM (found by fuzzing: see
     * {@code fuzz.TokenizerJsonFuzzTest}): a BPE model's merge cuts its second symbol after
     * {@code continuing_subword_prefix}'s length in bytes, so a second symbol shorter than the
     * prefix (or cut inside a character) crashes the process.
     */
    private static void refuseWhatCrashesTheLibrary(Path dir, JsonNode root) {
        JsonNode model = root.path("model");
        JsonNode prefix = model.path("continuing_subword_prefix");
        if (!prefix.isTextual() || prefix.asText().isEmpty()) {
            return;
        }
        int cut = prefix.asText().getBytes(StandardCharsets.UTF_8).length;
        for (JsonNode merge : model.path("merges")) {
            String second;
            if (merge.isTextual()) { // "a b"
                String[] parts = merge.asText().split(" ", -1);
                second = parts.length == 2 ? parts[1] : null;
            } else { // ["a", "b"]
                second = merge.isArray() && merge.size() == 2 && merge.get(1).isTextual() ? merge.get(1).asText() : null;
            }
            if (second == null) {
                continue; // the library refuses a malformed merge itself
            }
            byte[] bytes = second.getBytes(StandardCharsets.UTF_8);
            boolean boundary = cut <= bytes.length && (cut == bytes.length || (bytes[cut] & 0xC0) != 0x80);
            if (!boundary) {
                throw new IllegalArgumentException("tokenizer.json in " + dir + ": merge " + merge + " does not continue"
                        + " with model.continuing_subword_prefix \"" + prefix.asText() + "\" (each merge's second symbol"
                        + " must be at least the prefix's length)");
            }
        }
    }

    /** Text every usable tokenizer encodes: letters, digits, punctuation, spaces and a word no vocabulary has. */
    private static final String PROBE = "The quick brown fox, 42 times! zqxjvw";

    /** The most ids a vocabulary may have here (the largest real ones have about 260,000). */
    static final int MAX_ID = 1 << 22;

    /** A vocabulary id from the JSON: an integer in [0, {@link #MAX_ID}), or an error naming the entry. */
    private static int tokenId(Path dir, String entry, JsonNode id) {
        if (!id.isIntegralNumber() || !id.canConvertToInt() || id.asInt() < 0 || id.asInt() >= MAX_ID) {
            throw new IllegalArgumentException("tokenizer.json in " + dir + ": " + entry + " has id " + id
                    + "; ids are integers in [0, " + MAX_ID + ")");
        }
        return id.asInt();
    }

    /**
     * Loads the tokenizer of a model directory: {@code tokenizer.json} if present, else
     * {@code vocab.json} + {@code merges.txt}.
     *
     * @throws IllegalArgumentException naming the directory when neither is there
     */
    public static HfTokenizer load(Path modelDir) {
        Objects.requireNonNull(modelDir, "modelDir");
        if (!Files.isDirectory(modelDir)) {
            throw new IllegalArgumentException("tokenizer directory " + modelDir + " does not exist or is not a directory");
        }
        JsonNode tokenizerConfig = TokenizerJson.readIfExists(modelDir.resolve("tokenizer_config.json"));
        JsonNode config = TokenizerJson.readIfExists(modelDir.resolve("config.json"));
        List<String> files = new ArrayList<>();
        String json;
        JsonNode root;
        Path tj = modelDir.resolve("tokenizer.json");
        Path vocab = modelDir.resolve("vocab.json");
        Path merges = modelDir.resolve("merges.txt");
        if (Files.isRegularFile(tj)) {
            files.add("tokenizer.json");
            try {
                json = Files.readString(tj, StandardCharsets.UTF_8);
                root = TokenizerJson.MAPPER.readTree(json);
            } catch (IOException e) {
                throw new IllegalArgumentException(tj + ": not a readable tokenizer.json: " + JsonErrors.describe(e), e);
            }
            if (root == null || !root.isObject()) {
                throw new IllegalArgumentException(tj + ": expected a JSON object (a Hugging Face tokenizer.json)");
            }
            TokenizerJson.requireStrictJson(root, tj);
            // the library gets the JSON as written here, not the file's text: what Jackson reads leniently (a key given
            // twice, text after the object) the library's own parser refuses, in places by aborting the JVM
            json = TokenizerJson.toJson(root);
        } else if (Files.isRegularFile(vocab) && Files.isRegularFile(merges)) {
            files.add("vocab.json");
            files.add("merges.txt");
            root = byteLevelBpeJson(vocab, merges);
            json = TokenizerJson.toJson(root);
        } else {
            throw new IllegalArgumentException("no tokenizer in " + modelDir
                    + ": expected tokenizer.json, or vocab.json and merges.txt");
        }
        for (String f : SIDE_FILES) {
            if (Files.isRegularFile(modelDir.resolve(f))) {
                files.add(f);
            }
        }
        return new HfTokenizer(modelDir, files, json, root, tokenizerConfig, config);
    }

    /**
     * The {@code tokenizer.json} equivalent to GPT-2's {@code vocab.json} + {@code merges.txt}:
     * a BPE model over byte-level symbols, ByteLevel pre-tokenizer (no prefix space, GPT-2's
     * regex), ByteLevel post-processor and decoder, and {@code <|endoftext|>} as a special added
     * token when the vocabulary has it. This is what {@code transformers}' GPT2TokenizerFast
     * builds from the same two files.
     */
    static ObjectNode byteLevelBpeJson(Path vocabFile, Path mergesFile) {
        JsonNode vocab = TokenizerJson.read(vocabFile);
        if (!vocab.isObject()) {
            throw new IllegalArgumentException(vocabFile + ": expected a JSON object of token -> id");
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(mergesFile, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + mergesFile + ": " + e.getMessage(), e);
        }
        ArrayNode merges = TokenizerJson.MAPPER.createArrayNode();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            // Same rule as the Rust library's BPE::read_file: only "#version" lines are comments.
            if (line.startsWith("#version") || line.isEmpty()) {
                continue;
            }
            String[] parts = line.split(" ");
            if (parts.length != 2) {
                throw new IllegalArgumentException(mergesFile + " line " + (i + 1)
                        + ": expected two symbols separated by one space, found '" + line + "'");
            }
            merges.add(line);
        }

        ArrayNode added = TokenizerJson.MAPPER.createArrayNode();
        JsonNode eot = vocab.get("<|endoftext|>");
        if (eot != null) {
            added.add(TokenizerJson.addedToken(eot.asInt(), "<|endoftext|>", true, true));
        }
        ObjectNode root = TokenizerJson.skeleton(added);
        root.putNull("normalizer");
        root.set("pre_tokenizer", byteLevel(false, true));
        root.set("post_processor", byteLevel(true, false));
        root.set("decoder", byteLevel(true, true));
        ObjectNode model = root.putObject("model");
        model.put("type", "BPE");
        model.putNull("dropout");
        model.putNull("unk_token");
        model.putNull("continuing_subword_prefix");
        model.putNull("end_of_word_suffix");
        model.put("fuse_unk", false);
        model.put("byte_fallback", false);
        model.set("vocab", vocab);
        model.set("merges", merges);
        return root;
    }

    private static ObjectNode byteLevel(boolean addPrefixSpace, boolean trimOffsets) {
        ObjectNode n = TokenizerJson.MAPPER.createObjectNode();
        n.put("type", "ByteLevel");
        n.put("add_prefix_space", addPrefixSpace);
        n.put("trim_offsets", trimOffsets);
        n.put("use_regex", true);
        return n;
    }

    /**
     * Resolves one of bos/eos/pad: tokenizer_config.json's token when it has the key (an explicit
     * null there means "none", as in transformers), else config.json's id, else -1. A token
     * string missing from the vocabulary also gives -1.
     */
    private int specialId(JsonNode tokenizerConfig, String tokenKey, JsonNode config, String idKey) {
        if (tokenizerConfig != null && tokenizerConfig.has(tokenKey)) {
            String content = TokenizerJson.tokenContent(tokenizerConfig.get(tokenKey));
            return content == null ? -1 : ids.getOrDefault(content, -1);
        }
        JsonNode id = config == null ? null : config.get(idKey);
        if (id != null && id.isArray()) { // e.g. Llama 3 lists several EOS ids; the first is the primary one
            id = id.size() > 0 ? id.get(0) : null;
        }
        return id != null && id.isIntegralNumber() ? id.asInt() : -1;
    }

    // ------------------------------------------------------------------ Tokenizer

    @Override
    public int[] encode(String text) {
        Objects.requireNonNull(text, "text");
        long[] ids;
        try {
            ids = hf.encode(text, false, false).getIds();
        } catch (RuntimeException e) { // the library's refusal of this text (e.g. a word it has no id for)
            throw new IllegalArgumentException("the tokenizer of " + sourceDir + " cannot encode \""
                    + (text.length() > 40 ? text.substring(0, 40) + "..." : text) + "\": " + e.getMessage(), e);
        }
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= byId.length) { // the library's model knows an id the vocabulary does not list
                throw new IllegalArgumentException("the tokenizer of " + sourceDir + " produced id " + ids[i]
                        + ", beyond its vocabulary of " + byId.length + " (tokenizer.json's vocab and added_tokens"
                        + " disagree with its model)");
            }
            out[i] = (int) ids[i];
        }
        return out;
    }

    @Override
    public String decode(int[] ids) {
        long[] l = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            checkId(ids[i]);
            l[i] = ids[i];
        }
        try {
            return hf.decode(l, true);
        } catch (RuntimeException e) { // the library's refusal (e.g. an id its decoder has no piece for)
            throw new IllegalArgumentException("the tokenizer of " + sourceDir + " cannot decode "
                    + Arrays.toString(ids.length > 20 ? Arrays.copyOf(ids, 20) : ids) + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String token(int id) {
        checkId(id);
        if (byId[id] == null) {
            throw new IllegalArgumentException("token id " + id + " has no vocabulary entry (the vocabulary has a hole there)");
        }
        return byId[id];
    }

    @Override
    public int id(String token) {
        return ids.getOrDefault(token, -1);
    }

    /** One more than the largest id of the model vocabulary and the added tokens. */
    @Override
    public int vocabSize() {
        return byId.length;
    }

    @Override
    public int bosId() {
        return bosId;
    }

    @Override
    public int eosId() {
        return eosId;
    }

    @Override
    public int padId() {
        return padId;
    }

    @Override
    public boolean addsBos() {
        return addsBos;
    }

    @Override
    public List<Integer> specialIds() {
        return specialIds;
    }

    /** The directory this tokenizer was loaded from. */
    public Path sourceDir() {
        return sourceDir;
    }

    /** Names of the files in {@link #sourceDir()} that define this tokenizer. */
    public List<String> sourceFiles() {
        return sourceFiles;
    }

    /**
     * Copies this tokenizer's source files into {@code modelDir} (atomically each), so that
     * {@link #load} there gives the same tokenizer. {@code config.json} is not copied: it belongs
     * to the model, whose own copy supplies the fallback special ids.
     */
    public void save(Path modelDir) {
        for (String f : sourceFiles) {
            Path src = sourceDir.resolve(f);
            Path dst = modelDir.resolve(f);
            try {
                if (Files.exists(dst) && Files.isSameFile(src, dst)) {
                    continue;
                }
                byte[] bytes = Files.readAllBytes(src);
                AtomicFiles.write(dst, out -> out.write(bytes));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot copy " + src + " to " + dst + ": " + e.getMessage(), e);
            }
        }
    }

    private void checkId(int id) {
        if (id < 0 || id >= byId.length) {
            throw new IllegalArgumentException("token id " + id + " out of range [0, " + byId.length + ") of the tokenizer of "
                    + sourceDir);
        }
    }

    /** Frees the native tokenizer. */
    @Override
    public void close() {
        hf.close();
    }

    @Override
    public String toString() {
        return "HfTokenizer(" + sourceDir + ", " + sourceFiles + ", vocabSize=" + byId.length + ")";
    }

    /** For tests: the token strings the Rust library produces (no special tokens added). */
    List<String> tokens(String text) {
        return Arrays.asList(hf.encode(text, false, false).getTokens());
    }
}
