package dev.promptlab.analysis;

import dev.promptlab.tokenize.Tokenizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Unrelated target texts of exact token counts, made from a list of unrelated glosses. A whole
 * gloss of exactly the wanted count is preferred (it reads as a complete definition). Failing
 * that, a text starts at the first unused gloss, runs on through the following unused ones
 * (joined with {@code "; "}, as WordNet joins its own glosses) and is cut at a word boundary
 * where the tokenizer counts exactly the wanted number of tokens, never right after a joining
 * semicolon; when no word boundary gives that count (a word of several tokens straddles it), the
 * text starts at the next unused gloss instead. Glosses with a word the tokenizer cannot write are
 * never used, and no gloss is used by two texts.
 */
final class UnrelatedTargets {
    private final List<String> glosses;
    private final Tokenizer tokenizer;
    private final Boolean[] writable; // per gloss, computed on first need
    private final boolean[] used;

    UnrelatedTargets(List<String> glosses, Tokenizer tokenizer) {
        this.glosses = List.copyOf(glosses);
        this.tokenizer = tokenizer;
        this.writable = new Boolean[glosses.size()];
        this.used = new boolean[glosses.size()];
    }

    /** The next unrelated text of exactly {@code length} tokens, or null when the glosses cannot give one. */
    String next(int length) {
        for (int g = 0; g < glosses.size(); g++) {
            if (available(g) && tokenizer.encode(glosses.get(g)).length == length) {
                used[g] = true;
                return glosses.get(g);
            }
        }
        for (int start = 0; start < glosses.size(); start++) {
            if (available(start)) {
                String text = cut(start, length);
                if (text != null) {
                    return text;
                }
            }
        }
        return null;
    }

    private boolean available(int g) {
        if (used[g]) {
            return false;
        }
        if (writable[g] == null) {
            writable[g] = UnknownWords.of(glosses.get(g), tokenizer).isEmpty();
        }
        return writable[g];
    }

    /** A text of exactly {@code length} tokens from the available glosses at {@code start} onwards (marked used), or null. */
    private String cut(int start, int length) {
        List<String> words = new ArrayList<>();
        List<Integer> taken = new ArrayList<>(); // the glosses the words come from
        int gloss = start;
        int prefix = 0; // words in the current prefix
        while (true) {
            if (prefix == words.size()) {
                while (gloss < glosses.size() && !available(gloss)) {
                    gloss++;
                }
                if (gloss >= glosses.size()) {
                    return null;
                }
                if (!words.isEmpty()) {
                    words.set(words.size() - 1, words.get(words.size() - 1) + ";");
                }
                words.addAll(Arrays.asList(glosses.get(gloss).strip().split("\\s+")));
                taken.add(gloss);
                gloss++;
            }
            prefix++;
            String text = String.join(" ", words.subList(0, prefix));
            int count = tokenizer.encode(text).length;
            if (count > length) {
                return null;
            }
            if (count == length && (prefix == words.size() || !text.endsWith(";"))) {
                taken.forEach(g -> used[g] = true);
                return text;
            }
        }
    }
}
