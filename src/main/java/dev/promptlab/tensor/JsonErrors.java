package dev.promptlab.tensor;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;

import java.io.IOException;

/**
 * Jackson's parse errors as one line a user can act on: the problem and where it is (line and
 * column), without Jackson's source description ("[Source: REDACTED ...]") or line breaks.
 */
public final class JsonErrors {
    private JsonErrors() {}

    /** "Unexpected end-of-input ... (line 1, column 11)" for a parse error; the message of any other. */
    public static String describe(IOException e) {
        if (e instanceof JsonProcessingException j) {
            JsonLocation at = j.getLocation();
            String where = at == null || at.getLineNr() < 1 ? "" : " (line " + at.getLineNr() + ", column "
                    + at.getColumnNr() + ")";
            // a nested location ("start marker at [Source: ...; line: 1, column: 16]") reads as the outer one does
            String message = oneLine(j.getOriginalMessage()).replaceAll(
                    "\\[Source: [^\\]]*; line: (\\d+), column: (\\d+)\\]", "line $1, column $2");
            return message + where;
        }
        return oneLine(e.getMessage() == null ? e.toString() : e.getMessage());
    }

    /** A message folded into one line. */
    public static String oneLine(String message) {
        return message == null ? "" : message.replaceAll("\\s*\\R\\s*", " ").trim();
    }
}
