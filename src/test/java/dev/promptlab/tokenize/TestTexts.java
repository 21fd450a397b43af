package dev.promptlab.tokenize;

import java.util.List;

/** Shared test inputs. */
final class TestTexts {
    private TestTexts() {}

    /** Text that exercises every rule; the last entries hold words the vocabulary never saw. */
    static final List<String> VARIED = List.of(
            "Hello, world!",
            "Wait... what?!? ((nested)) [brackets] {braces} <angles>",
            "$100 + 5% = 105 #tag @user a^b `code` a|b ~x a_b a-b a/b a\\b",
            "don't it's rock'n'roll 'quoted' \"double\"",
            "Numbers: 3.14, 1,000,000 and 42nd 2024-01-01",
            "«Guillemets» „low“ ‘curly’ — em dash – en dash … ellipsis ¿qué? ¡sí!",
            "Crème brûlée, naïve Über Straße ÆSIR İstanbul ΟΔΟΣ Σίσυφος",
            "日本語のテキスト。中文，标点！ 한국어?",
            "emoji 😀 next😀to words 👍🏽 ✨sparkle✨ ❤️",
            "multiple   spaces\tand\ttabs\nnew\nlines\r\nwindows  \u00a0nbsp\u2003emspace\u3000ideographic",
            "math ∑ × ÷ → ≤ ≥ ± symbols © ® ™ § ¶ • ·",
            "  leading and trailing  ",
            "",
            "specials <bos> inline<eos>and <pad><unk> but <BOS> and <bo s> are text",
            "nel\u0085next line\u2028sep unit\u001Fsep zero\u200Bwidth soft\u00ADhyphen ！fullwidth＃ \u2E3Bdash",
            "zebra quokka unseen-words, Xylophone! ünïcödé");
}
