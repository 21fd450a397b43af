package dev.promptlab.eval;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The "13a" tokenisation of mteval-v13a.pl, sacreBLEU's default for BLEU, so that our BLEU
 * equals the figure a paper reports with sacreBLEU. Steps, in sacreBLEU's order:
 * <ol>
 *   <li>drop every {@code <skipped>}, join words hyphenated across lines (remove {@code "-\n"}),
 *       turn the remaining newlines into spaces;</li>
 *   <li>unescape {@code &quot; &amp; &lt; &gt;}, one after the other (so {@code &amp;lt;}
 *       becomes {@code <});</li>
 *   <li>pad with a space on each side, then put spaces around every ASCII symbol and
 *       punctuation mark except the apostrophe, comma, hyphen and period;</li>
 *   <li>split a period or comma off a preceding non-digit, then off a following non-digit (so
 *       {@code 3.14} and {@code 1,000} stay whole, {@code end.} does not);</li>
 *   <li>split a hyphen off a preceding digit ({@code 1990-1995} becomes three tokens,
 *       {@code pre-war} stays one);</li>
 *   <li>split on whitespace (Python's definition, see {@link PythonText}).</li>
 * </ol>
 * Steps 4 and 5 are left-to-right, non-overlapping regular-expression replacements, as in
 * Python's {@code re.sub} (so {@code "..5"} gives {@code ". .5"}). Case is kept.
 */
public final class Tokenizer13a {
    private static final Pattern PERIOD_COMMA_AFTER_NON_DIGIT = Pattern.compile("([^0-9])([.,])");
    private static final Pattern PERIOD_COMMA_BEFORE_NON_DIGIT = Pattern.compile("([.,])([^0-9])");
    private static final Pattern HYPHEN_AFTER_DIGIT = Pattern.compile("([0-9])(-)");

    private Tokenizer13a() {}

    /** The tokens of {@code line}. */
    public static List<String> tokens(String line) {
        return PythonText.split(spaced(line));
    }

    /** The tokenised line: tokens joined by single spaces (what sacreBLEU's tokenizer returns). */
    public static String tokenize(String line) {
        return String.join(" ", tokens(line));
    }

    private static String spaced(String line) {
        String s = line.replace("<skipped>", "").replace("-\n", "").replace("\n", " ");
        s = s.replace("&quot;", "\"").replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">");
        s = spaceSymbols(" " + s + " ");
        s = PERIOD_COMMA_AFTER_NON_DIGIT.matcher(s).replaceAll("$1 $2 ");
        s = PERIOD_COMMA_BEFORE_NON_DIGIT.matcher(s).replaceAll(" $1 $2");
        return HYPHEN_AFTER_DIGIT.matcher(s).replaceAll("$1 $2 ");
    }

    private static String spaceSymbols(String s) {
        StringBuilder sb = new StringBuilder(s.length() * 2);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (isSeparatedSymbol(c)) {
                sb.append(' ').append(c).append(' ');
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    /**
     * The ASCII range 0x20-0x7E less letters, digits and {@code ' , - .}: space ! " # $ % &amp;
     * ( ) * + / : ; &lt; = &gt; ? @ [ \ ] ^ _ ` { | } ~.
     */
    static boolean isSeparatedSymbol(char c) {
        if (c < 0x20 || c > 0x7e || Character.isLetterOrDigit(c)) {
            return false;
        }
        return c != '\'' && c != ',' && c != '-' && c != '.';
    }
}
