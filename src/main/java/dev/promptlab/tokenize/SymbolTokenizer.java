package dev.promptlab.tokenize;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A fixed small alphabet of single-character symbols, plus an optional {@code <bos>}; the id of
 * a symbol is its index in the alphabet. Built for synthetic data such as coin flips
 * ({@link #coins()}: {@code "0"}=0, {@code "1"}=1, {@code <bos>}=2), where every character is
 * one observation and anything outside the alphabet is a data error, never an unknown token.
 *
 * <p>{@link #encode} reads one symbol per character and ignores whitespace, so "0 1 1" and
 * "011" are the same sequence; {@link #decode} writes symbols back without separators.
 */
public final class SymbolTokenizer implements Tokenizer {
    public static final String BOS = "<bos>";

    private final List<String> alphabet; // id -> symbol, BOS last when present
    private final Map<Integer, Integer> idOfCodePoint;
    private final int bosId;

    /**
     * @param symbols distinct single characters (one code point each, not whitespace)
     * @param withBos whether to append {@code <bos>} to the alphabet (as id {@code symbols.size()})
     */
    public SymbolTokenizer(List<String> symbols, boolean withBos) {
        Objects.requireNonNull(symbols, "symbols");
        if (symbols.isEmpty()) {
            throw new IllegalArgumentException("symbols must not be empty");
        }
        Map<Integer, Integer> m = new HashMap<>();
        for (int i = 0; i < symbols.size(); i++) {
            String s = symbols.get(i);
            if (s == null || s.isEmpty() || s.codePointCount(0, s.length()) != 1) {
                throw new IllegalArgumentException("symbol " + i + " must be exactly one character, got "
                        + (s == null ? "null" : "'" + s + "'"));
            }
            int cp = s.codePointAt(0);
            if (WordTokenizer.isWhitespace(cp) || Character.isWhitespace(cp)) {
                throw new IllegalArgumentException("symbol " + i + " must not be whitespace (encode skips it), got U+"
                        + String.format("%04X", cp));
            }
            if (m.put(cp, i) != null) {
                throw new IllegalArgumentException("duplicate symbol '" + s + "' in " + symbols);
            }
        }
        List<String> a = new ArrayList<>(symbols);
        if (withBos) {
            a.add(BOS);
        }
        this.alphabet = List.copyOf(a);
        this.idOfCodePoint = m;
        this.bosId = withBos ? symbols.size() : -1;
    }

    /** Coin flips: {@code "0"}=0, {@code "1"}=1, {@code <bos>}=2. */
    public static SymbolTokenizer coins() {
        return new SymbolTokenizer(List.of("0", "1"), true);
    }

    /**
     * One id per non-whitespace character.
     *
     * @throws IllegalArgumentException naming the character, its position and the alphabet when a
     *     character is not a symbol
     */
    @Override
    public int[] encode(String text) {
        Objects.requireNonNull(text, "text");
        int[] out = new int[text.length()];
        int n = 0;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            if (!(WordTokenizer.isWhitespace(cp) || Character.isWhitespace(cp))) {
                Integer id = idOfCodePoint.get(cp);
                if (id == null) {
                    throw new IllegalArgumentException("unknown symbol '" + new String(Character.toChars(cp))
                            + "' (U+" + String.format("%04X", cp) + ") at index " + i + "; the alphabet is "
                            + symbols());
                }
                out[n++] = id;
            }
            i += Character.charCount(cp);
        }
        return java.util.Arrays.copyOf(out, n);
    }

    /** Concatenates the symbols of {@code ids}, skipping {@code <bos>}. */
    @Override
    public String decode(int[] ids) {
        StringBuilder sb = new StringBuilder(ids.length);
        for (int id : ids) {
            checkId(id);
            if (id != bosId) {
                sb.append(alphabet.get(id));
            }
        }
        return sb.toString();
    }

    @Override
    public String token(int id) {
        checkId(id);
        return alphabet.get(id);
    }

    @Override
    public int id(String token) {
        return alphabet.indexOf(token);
    }

    @Override
    public int vocabSize() {
        return alphabet.size();
    }

    @Override
    public int bosId() {
        return bosId;
    }

    @Override
    public int eosId() {
        return -1;
    }

    @Override
    public int padId() {
        return -1;
    }

    @Override
    public boolean addsBos() {
        return bosId >= 0;
    }

    @Override
    public List<Integer> specialIds() {
        return bosId >= 0 ? List.of(bosId) : List.of();
    }

    /** The content symbols (the alphabet without {@code <bos>}). */
    public List<String> symbols() {
        return bosId >= 0 ? alphabet.subList(0, bosId) : alphabet;
    }

    private void checkId(int id) {
        if (id < 0 || id >= alphabet.size()) {
            throw new IllegalArgumentException("token id " + id + " out of range [0, " + alphabet.size()
                    + ") of alphabet " + alphabet);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SymbolTokenizer && ((SymbolTokenizer) o).alphabet.equals(alphabet);
    }

    @Override
    public int hashCode() {
        return alphabet.hashCode();
    }

    @Override
    public String toString() {
        return "SymbolTokenizer" + alphabet;
    }
}
