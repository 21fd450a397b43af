package dev.promptlab.task;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The lines of a UTF-8 text file as users' tools write it: a byte-order mark is dropped, CRLF
 * and LF both end a line, and invalid UTF-8 is an error naming the line and column (not a
 * replacement character in the data). Shared by the JSONL and corpus readers.
 */
public final class TextLines {
    private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    /** One line: its 1-based number and its text (without the line end). */
    public record Line(int number, String text) {}

    private TextLines() {}

    /** The file's bytes, or a {@link DataFormatException} naming it ({@code what}: "file", "corpus"...). */
    public static byte[] bytes(Path file, String what) {
        if (Files.isDirectory(file)) {
            throw new DataFormatException(file + ": is a directory, expected a " + what);
        }
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new DataFormatException(file + ": no such " + what);
        } catch (AccessDeniedException e) {
            throw new DataFormatException(file + ": permission denied");
        } catch (IOException e) {
            throw new DataFormatException(file + ": cannot read (" + e.getMessage() + ")");
        }
    }

    /** Every line of {@code bytes}; {@code name} is what messages call the file. */
    public static List<Line> split(String name, byte[] bytes) {
        List<Line> lines = new ArrayList<>();
        int start = startsWithBom(bytes) ? BOM.length : 0;
        int number = 0;
        while (start < bytes.length) {
            int end = start;
            while (end < bytes.length && bytes[end] != '\n') {
                end++;
            }
            number++;
            int stop = end > start && bytes[end - 1] == '\r' ? end - 1 : end; // CRLF
            lines.add(new Line(number, decode(name, number, bytes, start, stop)));
            start = end + 1;
        }
        return lines;
    }

    private static String decode(String name, int number, byte[] bytes, int from, int to) {
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes, from, to - from);
        try {
            return utf8.decode(in).toString();
        } catch (CharacterCodingException e) {
            int at = in.position(); // the decoder stops at the first bad byte
            throw new DataFormatException(name + ":" + number + ": not valid UTF-8 (byte 0x"
                    + String.format("%02X", bytes[at] & 0xFF) + " at column " + (at - from + 1)
                    + "); save the file as UTF-8");
        }
    }

    private static boolean startsWithBom(byte[] bytes) {
        return bytes.length >= BOM.length && bytes[0] == BOM[0] && bytes[1] == BOM[1] && bytes[2] == BOM[2];
    }
}
