package dev.promptlab.report;

import dev.promptlab.tensor.AtomicFiles;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;

/**
 * A self-contained HTML page (styles inline, images as base64 data URIs), built block by block,
 * shared by every study's report. Text is escaped; only {@link #html} takes markup.
 */
public final class HtmlReport {
    private static final String STYLE = "body{font-family:system-ui,sans-serif;max-width:1200px;margin:2em auto;padding:0 1em;"
            + "color:#222;line-height:1.45}table{border-collapse:collapse;margin:0.8em 0;font-size:0.9em}"
            + "th,td{border:1px solid #ccc;padding:0.25em 0.6em;text-align:right}th{background:#f3f3f3}"
            + "td:first-child,th:first-child{text-align:left}img{max-width:100%;margin:0.4em 0}"
            + "pre{background:#f7f7f7;padding:0.8em;overflow-x:auto}.figs{display:flex;flex-wrap:wrap;gap:0.5em}"
            + ".figs img{width:49%;min-width:420px}h2{border-bottom:1px solid #ddd;padding-bottom:0.2em}";

    private final String title;
    private final StringBuilder body = new StringBuilder();

    public HtmlReport(String title) {
        this.title = title;
        heading(1, title);
    }

    /** Escapes text for HTML. */
    public static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    public HtmlReport heading(int level, String text) {
        if (level < 1 || level > 6) {
            throw new IllegalArgumentException("heading level must be in [1, 6], got " + level);
        }
        body.append("<h").append(level).append('>').append(escape(text)).append("</h").append(level).append(">\n");
        return this;
    }

    public HtmlReport paragraph(String text) {
        body.append("<p>").append(escape(text)).append("</p>\n");
        return this;
    }

    /** Trusted markup, inserted as is. */
    public HtmlReport html(String markup) {
        body.append(markup).append('\n');
        return this;
    }

    /** A table; every row must have as many cells as the header. */
    public HtmlReport table(List<String> header, List<List<String>> rows) {
        body.append("<table>\n<tr>");
        for (String h : header) {
            body.append("<th>").append(escape(h)).append("</th>");
        }
        body.append("</tr>\n");
        for (List<String> row : rows) {
            if (row.size() != header.size()) {
                throw new IllegalArgumentException("table row has " + row.size() + " cells, the header " + header.size());
            }
            body.append("<tr>");
            for (String cell : row) {
                body.append("<td>").append(escape(cell)).append("</td>");
            }
            body.append("</tr>\n");
        }
        body.append("</table>\n");
        return this;
    }

    /** PNG images side by side, embedded as data URIs. */
    public HtmlReport images(List<byte[]> pngs, List<String> alts) {
        body.append("<div class=\"figs\">");
        for (int i = 0; i < pngs.size(); i++) {
            body.append("<img alt=\"").append(escape(alts.get(i))).append("\" src=\"data:image/png;base64,")
                    .append(Base64.getEncoder().encodeToString(pngs.get(i))).append("\">");
        }
        body.append("</div>\n");
        return this;
    }

    public HtmlReport preformatted(String text) {
        body.append("<pre>").append(escape(text)).append("</pre>\n");
        return this;
    }

    public String render() {
        return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>" + escape(title)
                + "</title>\n<style>" + STYLE + "</style>\n</head>\n<body>\n" + body + "</body>\n</html>\n";
    }

    /** Writes the page atomically. */
    public void write(Path file) throws IOException {
        AtomicFiles.writeString(file, render());
    }
}
