package dev.promptlab.tokenize;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A word-level tokenizer fitted on a corpus, in pure Java, whose saved form is a standard
 * Hugging Face {@code tokenizer.json} ({@code WordLevel} model, {@code Lowercase} normalizer,
 * {@code WhitespaceSplit} + {@code Punctuation(Isolated)} pre-tokenizer). Encoding here gives
 * exactly the ids the Rust {@code tokenizers} library gives for that file, so models trained
 * with it can be used from Python unchanged.
 *
 * <p>Pipeline, mirroring the Rust library step by step:
 * <ol>
 *   <li>the four special tokens are matched in the raw text (case-sensitive, as Hugging Face
 *       does for added tokens with {@code normalized: false}) and map straight to their ids;</li>
 *   <li>every other stretch is lower-cased code point by code point (Rust's
 *       {@code char::to_lowercase}: no context-dependent final sigma, U+0130 becomes
 *       {@code i} + U+0307);</li>
 *   <li>split on Unicode {@code White_Space};</li>
 *   <li>every punctuation character (ASCII punctuation, or Unicode category P*) becomes its own
 *       token;</li>
 *   <li>words outside the vocabulary become {@code <unk>}.</li>
 * </ol>
 *
 * <p>Special tokens: {@code <pad>}=0, {@code <bos>}=1, {@code <eos>}=2, {@code <unk>}=3.
 * Instances are immutable and thread-safe.
 */
public final class WordTokenizer implements Tokenizer {
    public static final String PAD = "<pad>";
    public static final String BOS = "<bos>";
    public static final String EOS = "<eos>";
    public static final String UNK = "<unk>";
    public static final int PAD_ID = 0;
    public static final int BOS_ID = 1;
    public static final int EOS_ID = 2;
    public static final int UNK_ID = 3;
    /** The special tokens in id order. */
    public static final List<String> SPECIALS = List.of(PAD, BOS, EOS, UNK);

    private final List<String> vocab; // id -> token
    private final Map<String, Integer> ids; // token -> id

    private WordTokenizer(List<String> vocab) {
        this.vocab = List.copyOf(vocab);
        Map<String, Integer> m = new HashMap<>(vocab.size() * 2);
        for (int i = 0; i < vocab.size(); i++) {
            if (m.put(vocab.get(i), i) != null) {
                throw new IllegalArgumentException("duplicate vocabulary entry '" + vocab.get(i) + "' at id " + i);
            }
        }
        this.ids = m;
    }

    /**
     * A tokenizer with exactly this vocabulary: the four specials followed by {@code words} in
     * order. Each word must be a single token of this tokenizer's splitting (lower-case, no
     * whitespace, no punctuation unless it is one punctuation character), else it could never be
     * produced by {@link #encode}.
     */
    public static WordTokenizer ofWords(List<String> words) {
        List<String> v = new ArrayList<>(SPECIALS.size() + words.size());
        v.addAll(SPECIALS);
        for (String w : words) {
            List<String> split = splitWords(w);
            if (split.size() != 1 || !split.get(0).equals(w)) {
                throw new IllegalArgumentException("word '" + w + "' is not a single normalised token (it splits as "
                        + split + ")");
            }
            v.add(w);
        }
        return new WordTokenizer(v);
    }

    /**
     * Fits a vocabulary on {@code lines}: the specials, then words by descending count with ties
     * broken by {@link String#compareTo} (so the result depends only on the corpus), keeping at
     * most {@code maxVocab} entries in total and only words seen at least {@code minCount} times.
     *
     * @param maxVocab total vocabulary size including the 4 specials; must be &gt; 4
     * @param minCount minimum number of occurrences of a kept word; must be &ge; 1
     */
    public static WordTokenizer fit(Iterable<String> lines, int maxVocab, int minCount) {
        Objects.requireNonNull(lines, "lines");
        if (maxVocab <= SPECIALS.size()) {
            throw new IllegalArgumentException("maxVocab must be > " + SPECIALS.size()
                    + " (the special tokens take " + SPECIALS.size() + " ids), got " + maxVocab);
        }
        if (minCount < 1) {
            throw new IllegalArgumentException("minCount must be >= 1, got " + minCount);
        }
        Map<String, long[]> counts = new HashMap<>();
        for (String line : lines) {
            if (line == null) {
                continue;
            }
            forEachPiece(line, (piece, special) -> {
                if (special < 0) {
                    counts.computeIfAbsent(piece, k -> new long[1])[0]++;
                }
            });
        }
        List<Map.Entry<String, long[]>> entries = new ArrayList<>(counts.entrySet());
        entries.removeIf(e -> e.getValue()[0] < minCount);
        entries.sort((a, b) -> {
            int c = Long.compare(b.getValue()[0], a.getValue()[0]);
            return c != 0 ? c : a.getKey().compareTo(b.getKey());
        });
        List<String> v = new ArrayList<>(SPECIALS);
        for (Iterator<Map.Entry<String, long[]>> it = entries.iterator(); it.hasNext() && v.size() < maxVocab; ) {
            v.add(it.next().getKey());
        }
        return new WordTokenizer(v);
    }

    // ------------------------------------------------------------------ encode / decode

    @Override
    public int[] encode(String text) {
        Objects.requireNonNull(text, "text");
        int[][] buf = {new int[Math.max(8, text.length() / 3)]};
        int[] n = {0};
        forEachPiece(text, (piece, special) -> {
            int id = special >= 0 ? special : ids.getOrDefault(piece, UNK_ID);
            if (n[0] == buf[0].length) {
                buf[0] = java.util.Arrays.copyOf(buf[0], buf[0].length * 2);
            }
            buf[0][n[0]++] = id;
        });
        return java.util.Arrays.copyOf(buf[0], n[0]);
    }

    /**
     * The token strings {@code text} splits into before the vocabulary lookup (special tokens
     * included as written), for inspection and tests.
     */
    public List<String> split(String text) {
        List<String> out = new ArrayList<>();
        forEachPiece(text, (piece, special) -> out.add(piece));
        return out;
    }

    /** Joins the tokens of {@code ids} with single spaces, skipping the special tokens (as HF does with no decoder). */
    @Override
    public String decode(int[] ids) {
        StringBuilder sb = new StringBuilder();
        for (int id : ids) {
            checkId(id);
            if (id < SPECIALS.size()) {
                continue;
            }
            if (sb.length() > 0) {
                sb.append(' ');
            }
            sb.append(vocab.get(id));
        }
        return sb.toString();
    }

    @Override
    public String token(int id) {
        checkId(id);
        return vocab.get(id);
    }

    @Override
    public int id(String token) {
        return ids.getOrDefault(token, -1);
    }

    @Override
    public int vocabSize() {
        return vocab.size();
    }

    @Override
    public int bosId() {
        return BOS_ID;
    }

    @Override
    public int eosId() {
        return EOS_ID;
    }

    @Override
    public int padId() {
        return PAD_ID;
    }

    /** Id every out-of-vocabulary word maps to. */
    public int unkId() {
        return UNK_ID;
    }

    @Override
    public boolean addsBos() {
        return true;
    }

    @Override
    public List<Integer> specialIds() {
        return List.of(PAD_ID, BOS_ID, EOS_ID, UNK_ID);
    }

    /** The vocabulary in id order (specials first). */
    public List<String> vocabulary() {
        return vocab;
    }

    private void checkId(int id) {
        if (id < 0 || id >= vocab.size()) {
            throw new IllegalArgumentException("token id " + id + " out of range [0, " + vocab.size() + ")");
        }
    }

    // ------------------------------------------------------------------ splitting (must match HF)

    /** Receives one piece: its text and, for a special token matched in the raw text, its id (else -1). */
    @FunctionalInterface
    private interface PieceSink {
        void accept(String piece, int special);
    }

    /** Splits without specials handling; used to validate {@link #ofWords}. */
    private static List<String> splitWords(String text) {
        List<String> out = new ArrayList<>();
        splitNormalized(lowercase(text), s -> out.add(s));
        return out;
    }

    private static void forEachPiece(String text, PieceSink sink) {
        // HF first extracts added tokens that are not normalized from the raw text (leftmost
        // match); the four specials share no prefix so a plain scan finds the same matches.
        int start = 0;
        int i = text.indexOf('<');
        while (i >= 0) {
            int special = -1;
            for (int s = 0; s < SPECIALS.size(); s++) {
                if (text.startsWith(SPECIALS.get(s), i)) {
                    special = s;
                    break;
                }
            }
            if (special >= 0) {
                if (i > start) {
                    splitNormalized(lowercase(text.substring(start, i)), p -> sink.accept(p, -1));
                }
                sink.accept(SPECIALS.get(special), special);
                start = i + SPECIALS.get(special).length();
                i = text.indexOf('<', start);
            } else {
                i = text.indexOf('<', i + 1);
            }
        }
        if (start < text.length()) {
            splitNormalized(lowercase(start == 0 ? text : text.substring(start)), p -> sink.accept(p, -1));
        }
    }

    /** WhitespaceSplit followed by Punctuation(Isolated), over already lower-cased text. */
    private static void splitNormalized(String s, java.util.function.Consumer<String> out) {
        int wordStart = -1;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            int next = i + Character.charCount(cp);
            if (isWhitespace(cp) || isPunctuation(cp)) {
                if (wordStart >= 0) {
                    out.accept(s.substring(wordStart, i));
                    wordStart = -1;
                }
                if (!isWhitespace(cp)) {
                    out.accept(s.substring(i, next));
                }
            } else if (wordStart < 0) {
                wordStart = i;
            }
            i = next;
        }
        if (wordStart >= 0) {
            out.accept(s.substring(wordStart));
        }
    }

    /**
     * Rust's {@code char::to_lowercase} applied to every code point: the full (not simple)
     * mapping, but without the context-dependent final-sigma rule that
     * {@link String#toLowerCase} applies. The only unconditional full lower-case mapping that
     * differs from the simple one is U+0130 (Latin capital I with dot above).
     */
    static String lowercase(String s) {
        StringBuilder sb = null;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            int n = Character.charCount(cp);
            int lower = Character.toLowerCase(cp);
            if (lower != cp || cp == 0x130) {
                if (sb == null) {
                    sb = new StringBuilder(s.length() + 4).append(s, 0, i);
                }
                if (cp == 0x130) {
                    sb.append("i\u0307");
                } else {
                    sb.appendCodePoint(lower);
                }
            } else if (sb != null) {
                sb.appendCodePoint(cp);
            }
            i += n;
        }
        return sb == null ? s : sb.toString();
    }

    /**
     * Rust's {@code char::is_whitespace}: the Unicode {@code White_Space} property. Java's
     * {@link Character#isWhitespace} differs (it excludes no-break spaces and includes
     * U+001C..U+001F), so the set is spelled out.
     */
    static boolean isWhitespace(int cp) {
        return (cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85 || cp == 0xA0 || cp == 0x1680
                || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F
                || cp == 0x205F || cp == 0x3000;
    }

    /**
     * HF's Punctuation pre-tokenizer test: {@code char::is_ascii_punctuation} (which includes
     * ASCII symbols such as {@code $ + < = > ^ ` | ~}) or Unicode general category P*.
     */
    static boolean isPunctuation(int cp) {
        if (cp < 0x80) {
            return (cp >= 0x21 && cp <= 0x2F) || (cp >= 0x3A && cp <= 0x40) || (cp >= 0x5B && cp <= 0x60)
                    || (cp >= 0x7B && cp <= 0x7E);
        }
        switch (Character.getType(cp)) {
            case Character.CONNECTOR_PUNCTUATION:
            case Character.DASH_PUNCTUATION:
            case Character.START_PUNCTUATION:
            case Character.END_PUNCTUATION:
            case Character.INITIAL_QUOTE_PUNCTUATION:
            case Character.FINAL_QUOTE_PUNCTUATION:
            case Character.OTHER_PUNCTUATION:
                return true;
            default:
                return false;
        }
    }

    // ------------------------------------------------------------------ tokenizer.json IO

    /** The {@code tokenizer.json} content for this tokenizer. */
    ObjectNode toJson() {
        ArrayNode added = TokenizerJson.MAPPER.createArrayNode();
        for (int i = 0; i < SPECIALS.size(); i++) {
            added.add(TokenizerJson.addedToken(i, SPECIALS.get(i), true, false));
        }
        ObjectNode root = TokenizerJson.skeleton(added);
        root.putObject("normalizer").put("type", "Lowercase");
        ObjectNode pre = root.putObject("pre_tokenizer");
        pre.put("type", "Sequence");
        ArrayNode seq = pre.putArray("pretokenizers");
        seq.addObject().put("type", "WhitespaceSplit");
        seq.addObject().put("type", "Punctuation").put("behavior", "Isolated");
        root.putNull("post_processor");
        // No decoder: the Rust library then joins tokens with single spaces, as decode() does.
        root.putNull("decoder");
        ObjectNode model = root.putObject("model");
        model.put("type", "WordLevel");
        ObjectNode v = model.putObject("vocab");
        for (int i = 0; i < vocab.size(); i++) {
            v.put(vocab.get(i), i);
        }
        model.put("unk_token", UNK);
        return root;
    }

    /** Writes this tokenizer as a Hugging Face {@code tokenizer.json} (atomically). */
    public void save(Path file) {
        TokenizerJson.write(file, toJson());
    }

    /**
     * Reads a {@code tokenizer.json} written by {@link #save} (or any file with the same
     * model, normalizer, pre-tokenizer, decoder and specials).
     *
     * @throws IllegalArgumentException naming the file and the field when it is not such a file
     */
    public static WordTokenizer load(Path file) {
        JsonNode root = TokenizerJson.read(file);
        String problem = incompatibility(root);
        if (problem != null) {
            throw new IllegalArgumentException(file + " is not a promptlab WordLevel tokenizer.json: " + problem);
        }
        return fromJson(root);
    }

    /**
     * Why {@code root} cannot be read as a WordTokenizer (naming the field), or null if it can.
     * {@link Tokenizers#load} uses this to route everything else to {@link HfTokenizer}.
     */
    static String incompatibility(JsonNode root) {
        if (root == null || !root.isObject()) {
            return "top level: expected a JSON object";
        }
        JsonNode model = root.path("model");
        if (!"WordLevel".equals(model.path("type").asText(null))) {
            return "model.type: expected \"WordLevel\", found " + model.path("type");
        }
        if (!model.path("vocab").isObject()) {
            return "model.vocab: expected an object of token -> id, found " + model.path("vocab");
        }
        if (!UNK.equals(model.path("unk_token").asText(null))) {
            return "model.unk_token: expected \"" + UNK + "\", found " + model.path("unk_token");
        }
        JsonNode norm = root.path("normalizer");
        if (!"Lowercase".equals(norm.path("type").asText(null)) || norm.size() != 1) {
            return "normalizer: expected {\"type\":\"Lowercase\"}, found " + norm;
        }
        JsonNode pre = root.path("pre_tokenizer");
        JsonNode seq = pre.path("pretokenizers");
        boolean preOk = "Sequence".equals(pre.path("type").asText(null)) && seq.isArray() && seq.size() == 2
                && "WhitespaceSplit".equals(seq.get(0).path("type").asText(null))
                && "Punctuation".equals(seq.get(1).path("type").asText(null))
                && "Isolated".equals(seq.get(1).path("behavior").asText("Isolated"));
        if (!preOk) {
            return "pre_tokenizer: expected Sequence[WhitespaceSplit, Punctuation(Isolated)], found " + pre;
        }
        JsonNode dec = root.path("decoder");
        if (!dec.isMissingNode() && !dec.isNull()) {
            return "decoder: expected null, found " + dec;
        }
        JsonNode v = model.get("vocab");
        for (int i = 0; i < SPECIALS.size(); i++) {
            if (v.path(SPECIALS.get(i)).asInt(-1) != i) {
                return "model.vocab: expected \"" + SPECIALS.get(i) + "\" at id " + i + ", found "
                        + v.path(SPECIALS.get(i));
            }
        }
        JsonNode added = root.path("added_tokens");
        int specialsSeen = 0;
        for (JsonNode t : added) {
            int id = t.path("id").asInt(-1);
            String content = t.path("content").asText("");
            boolean ours = id >= 0 && id < SPECIALS.size() && SPECIALS.get(id).equals(content);
            if (!ours || !t.path("special").asBoolean(false) || t.path("normalized").asBoolean(false)
                    || t.path("lstrip").asBoolean(false) || t.path("rstrip").asBoolean(false)
                    || t.path("single_word").asBoolean(false)) {
                return "added_tokens: expected only the specials " + SPECIALS
                        + " at ids 0..3 (special, not normalized, no strip), found " + t;
            }
            specialsSeen |= 1 << id;
        }
        if (specialsSeen != 0b1111) {
            return "added_tokens: expected the four specials " + SPECIALS + ", found " + added;
        }
        int n = v.size();
        boolean[] seen = new boolean[n];
        for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            int id = e.getValue().isIntegralNumber() ? e.getValue().asInt() : -1;
            if (id < 0 || id >= n || seen[id]) {
                return "model.vocab: ids must be 0.." + (n - 1) + " each used once; '" + e.getKey() + "' has "
                        + e.getValue();
            }
            seen[id] = true;
        }
        return null;
    }

    private static WordTokenizer fromJson(JsonNode root) {
        JsonNode v = root.path("model").path("vocab");
        String[] byId = new String[v.size()];
        v.fields().forEachRemaining(e -> byId[e.getValue().asInt()] = e.getKey());
        List<String> list = new ArrayList<>(byId.length);
        Collections.addAll(list, byId);
        return new WordTokenizer(list);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WordTokenizer && ((WordTokenizer) o).vocab.equals(vocab);
    }

    @Override
    public int hashCode() {
        return vocab.hashCode();
    }

    @Override
    public String toString() {
        return "WordTokenizer(vocabSize=" + vocab.size() + ")";
    }
}
