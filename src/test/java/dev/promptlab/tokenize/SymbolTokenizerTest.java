package dev.promptlab.tokenize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SymbolTokenizerTest {
    @Test
    void coinsAreIndexedInAlphabetOrderWithBosLast() {
        SymbolTokenizer coins = SymbolTokenizer.coins();
        assertEquals(3, coins.vocabSize());
        assertArrayEquals(new int[] {0, 1, 1, 0}, coins.encode("0110"));
        assertArrayEquals(new int[] {0, 1, 1, 0}, coins.encode(" 0 1\n1\t0 "));
        assertEquals(2, coins.bosId());
        assertEquals(-1, coins.eosId());
        assertEquals(-1, coins.padId());
        assertTrue(coins.addsBos());
        assertEquals(List.of(2), coins.specialIds());
        assertEquals("<bos>", coins.token(2));
        assertEquals(1, coins.id("1"));
        assertEquals(-1, coins.id("2"));
        assertEquals("0110", coins.decode(new int[] {2, 0, 1, 1, 0}));
    }

    @Test
    void unknownSymbolIsRejectedNamingCharacterAndAlphabet() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SymbolTokenizer.coins().encode("01x1"));
        assertTrue(e.getMessage().contains("'x'") && e.getMessage().contains("[0, 1]")
                && e.getMessage().contains("index 2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SymbolTokenizer.coins().encode("0<bos>"));
        assertTrue(e.getMessage().contains("'<'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SymbolTokenizer.coins().encode("0😀"));
        assertTrue(e.getMessage().contains("😀") && e.getMessage().contains("U+1F600"), e.getMessage());
    }

    @Test
    void badAlphabetsAndIdsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new SymbolTokenizer(List.of(), true));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new SymbolTokenizer(List.of("a", "bc"), false));
        assertTrue(e.getMessage().contains("'bc'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new SymbolTokenizer(List.of("a", "a"), false));
        assertTrue(e.getMessage().contains("duplicate"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new SymbolTokenizer(List.of("a", " "), false));
        e = assertThrows(IllegalArgumentException.class, () -> SymbolTokenizer.coins().decode(new int[] {3}));
        assertTrue(e.getMessage().contains("3"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SymbolTokenizer.coins().token(-1));
    }

    @Test
    void withoutBosThereAreNoSpecials() {
        SymbolTokenizer dna = new SymbolTokenizer(List.of("A", "C", "G", "T"), false);
        assertArrayEquals(new int[] {3, 2, 1, 0}, dna.encode("TGCA"));
        assertEquals(-1, dna.bosId());
        assertFalse(dna.addsBos());
        assertEquals(List.of(), dna.specialIds());
        assertEquals("TGCA", dna.decode(dna.encode("T G C A")));
    }

    @Test
    void hasNoFileForm(@TempDir Path dir) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Tokenizers.save(SymbolTokenizer.coins(), dir));
        assertTrue(e.getMessage().contains("SymbolTokenizer"), e.getMessage());
    }
}
