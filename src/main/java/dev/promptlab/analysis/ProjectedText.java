package dev.promptlab.analysis;

import dev.promptlab.tokenize.Tokenizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * The text of projected token ids, as a reader should see it. A projection can land on any row of
 * the model's embedding matrix, and that matrix may be larger than the tokenizer's vocabulary
 * (GPT-2 family checkpoints pad it), or the vocabulary may have holes. So, unlike
 * {@link Tokenizer#decode}, this never fails:
 * <ul>
 *   <li>runs of ordinary tokens are decoded together by the tokenizer (so sub-word pieces join
 *       as the tokenizer joins them);</li>
 *   <li>a special token is shown by its vocabulary string ({@code <unk>}, {@code <|endoftext|>}):
 *       decode would drop it, and a prompt that projects onto it should say so;</li>
 *   <li>an id with no vocabulary entry is shown as {@code <id N>}.</li>
 * </ul>
 * The pieces are joined with single spaces.
 */
public final class ProjectedText {
    private ProjectedText() {}

    /** The readable text of {@code ids}. */
    public static String decode(Tokenizer tokenizer, int[] ids) {
        Set<Integer> specials = Set.copyOf(tokenizer.specialIds());
        List<String> pieces = new ArrayList<>();
        int runStart = 0;
        for (int i = 0; i <= ids.length; i++) {
            String alone = i == ids.length ? null : standalone(tokenizer, specials, ids[i]);
            if (i == ids.length || alone != null) {
                if (i > runStart) {
                    pieces.add(tokenizer.decode(Arrays.copyOfRange(ids, runStart, i)));
                }
                if (alone != null) {
                    pieces.add(alone);
                }
                runStart = i + 1;
            }
        }
        pieces.removeIf(String::isBlank);
        return String.join(" ", pieces);
    }

    /**
     * How an id that decode cannot write is shown on its own (its special token string, or the
     * placeholder), or null for an ordinary token that decode handles.
     */
    private static String standalone(Tokenizer tokenizer, Set<Integer> specials, int id) {
        if (id < 0 || id >= tokenizer.vocabSize()) {
            return placeholder(id);
        }
        String surface;
        try {
            surface = tokenizer.token(id);
        } catch (IllegalArgumentException hole) {
            // the Tokenizer interface has no "has an entry" query; a hole in the vocabulary throws
            return placeholder(id);
        }
        return specials.contains(id) ? surface : null;
    }

    /** What an id without a vocabulary entry reads as. */
    public static String placeholder(int id) {
        return "<id " + id + ">";
    }
}
