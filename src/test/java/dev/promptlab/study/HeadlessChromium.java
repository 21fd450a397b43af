package dev.promptlab.study;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptlab.tensor.AtomicFiles;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Debian's headless Chromium driven over the DevTools protocol (a WebSocket, {@code java.net.http};
 * no chromedriver, no Selenium): {@link #check} loads one local HTML file in a fresh tab and reports
 * what a reader would see go wrong there: console messages of any level, uncaught script errors,
 * failed loads, images that did not decode, empty inline SVGs, and references to local files or
 * in-page anchors that do not exist.
 *
 * <p>The network is closed here, so Chromium runs with every switch that stops it calling out
 * (component updates, sync, background networking, QUIC), as root without the sandbox, and with a
 * fresh profile in a temporary directory that {@link #close} deletes.
 */
final class HeadlessChromium implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration START = Duration.ofSeconds(60);
    private static final Duration LOAD = Duration.ofSeconds(120);
    /** After the load event: how long to wait for console and network messages that arrive late. */
    private static final long SETTLE_MILLIS = 500;

    /**
     * What the browser saw on one page.
     *
     * @param images {@code <img>} elements on the page
     * @param svgs outermost inline {@code <svg>} elements
     * @param localFiles distinct local files the page references (links, images, styles, scripts)
     * @param problems everything that went wrong, one line each; empty for a clean page
     */
    record PageCheck(Path page, int images, int svgs, int localFiles, List<String> problems) {
        int figures() {
            return images + svgs;
        }
    }

    /**
     * Runs in the page once it has loaded. Every image must be complete with a natural width;
     * every outermost inline SVG must have children and a visible box; every element that
     * references something outside the page is listed (resolved URL, tag, attribute), and in-page
     * anchors whose target id is missing are reported.
     */
    private static final String PAGE_SCRIPT = """
            (() => {
              const problems = [];
              const images = [...document.images];
              images.forEach((img, i) => {
                if (!img.complete || img.naturalWidth === 0 || img.naturalHeight === 0) {
                  problems.push('image ' + (i + 1) + ' of ' + images.length + ' (alt "' + img.alt + '", src '
                      + img.src.slice(0, 60) + ') did not load: complete=' + img.complete + ', naturalWidth=' + img.naturalWidth);
                }
              });
              const svgs = [...document.querySelectorAll('svg')].filter(s => !s.parentElement.closest('svg'));
              svgs.forEach((s, i) => {
                const box = s.getBoundingClientRect();
                if (s.childElementCount === 0 || box.width === 0 || box.height === 0) {
                  problems.push('inline svg ' + (i + 1) + ' of ' + svgs.length + ' is empty: ' + s.childElementCount
                      + ' children, ' + box.width + ' x ' + box.height + ' px');
                }
              });
              const refs = [];
              for (const [selector, attr, prop] of [['a[href]', 'href', 'href'], ['area[href]', 'href', 'href'],
                  ['link[href]', 'href', 'href'], ['img[src]', 'src', 'src'], ['script[src]', 'src', 'src'],
                  ['iframe[src]', 'src', 'src'], ['source[src]', 'src', 'src'], ['embed[src]', 'src', 'src'],
                  ['object[data]', 'data', 'data'], ['image[href]', 'href', null], ['use[href]', 'href', null]]) {
                document.querySelectorAll(selector).forEach(e => {
                  const raw = e.getAttribute(attr);
                  const url = prop ? e[prop] : new URL(raw, document.baseURI).href;
                  const here = document.URL.split('#')[0];
                  if (url.startsWith(here + '#')) {
                    const id = decodeURIComponent(url.slice(here.length + 1));
                    if (id && !document.getElementById(id) && document.getElementsByName(id).length === 0) {
                      problems.push('<' + e.tagName.toLowerCase() + ' ' + attr + '="' + raw + '"> points to a missing anchor');
                    }
                  } else {
                    refs.push({tag: e.tagName.toLowerCase(), attr: attr, raw: raw.slice(0, 200), url: url.startsWith('data:') ? 'data:' : url});
                  }
                });
              }
              return {images: images.length, svgs: svgs.length, problems: problems, refs: refs};
            })()
            """;

    private final Process process;
    private final Path profile;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final String endpoint;

    private HeadlessChromium(Process process, Path profile, String endpoint) {
        this.process = process;
        this.profile = profile;
        this.endpoint = endpoint;
    }

    /**
     * The Chromium binary: the {@code promptlab.chromium} system property, else {@code chromium}
     * (Debian's package) or {@code chromium-browser} on the PATH; null when there is none.
     */
    static Path find() {
        String named = System.getProperty("promptlab.chromium");
        if (named != null && !named.isBlank()) {
            Path p = Path.of(named);
            return Files.isExecutable(p) ? p : null;
        }
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        for (String name : List.of("chromium", "chromium-browser")) {
            for (String dir : path.split(":")) {
                Path p = Path.of(dir.isEmpty() ? "." : dir, name);
                if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                    return p;
                }
            }
        }
        return null;
    }

    /** Starts Chromium headless with a fresh profile and a DevTools port it picks itself. */
    static HeadlessChromium start(Path binary) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory("promptlab-chromium-");
        Path log = profile.resolve("chromium.log");
        Path userData = Files.createDirectory(profile.resolve("user-data"));
        Process process = new ProcessBuilder(binary.toString(),
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--no-default-browser-check", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-extensions", "--disable-default-apps", "--disable-dev-shm-usage",
                "--window-size=1280,1024", "--user-data-dir=" + userData, "--remote-debugging-port=0", "about:blank")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        // Chromium writes the port it bound to into the profile once DevTools listens
        Path portFile = userData.resolve("DevToolsActivePort");
        long deadline = System.nanoTime() + START.toNanos();
        while (true) {
            if (Files.isRegularFile(portFile)) {
                List<String> lines = Files.readAllLines(portFile);
                if (lines.size() >= 2 && !lines.get(0).isBlank()) {
                    return new HeadlessChromium(process, profile, "http://127.0.0.1:" + lines.get(0).trim());
                }
            }
            if (!process.isAlive() || System.nanoTime() > deadline) {
                String output = Files.isRegularFile(log) ? Files.readString(log) : "";
                stop(process);
                AtomicFiles.deleteTree(profile);
                throw new IOException(binary + (process.isAlive() ? " did not open its DevTools port within "
                        + START.toSeconds() + " s" : " exited with status " + process.exitValue())
                        + "; its output:\n" + tail(output, 4000));
            }
            Thread.sleep(100);
        }
    }

    /** Loads {@code page} in a new tab and checks it; the tab is closed afterwards. */
    PageCheck check(Path page) throws IOException, InterruptedException {
        JsonNode target = JSON.readTree(httpSend("PUT", "/json/new?about:blank"));
        String id = target.get("id").asText();
        try (Tab tab = new Tab(http, target.get("webSocketDebuggerUrl").asText())) {
            for (String domain : List.of("Runtime", "Log", "Network", "Page")) {
                tab.call(domain + ".enable", JSON.createObjectNode());
            }
            String url = page.toAbsolutePath().normalize().toUri().toString();
            JsonNode navigated = tab.call("Page.navigate", JSON.createObjectNode().put("url", url));
            List<String> problems = new ArrayList<>();
            if (navigated.hasNonNull("errorText")) {
                problems.add("navigation to " + url + " failed: " + navigated.get("errorText").asText());
                return new PageCheck(page, 0, 0, 0, problems);
            }
            try {
                tab.loaded.get(LOAD.toMillis(), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                problems.add("the page did not finish loading within " + LOAD.toSeconds() + " s");
            }
            Thread.sleep(SETTLE_MILLIS);
            JsonNode result = tab.call("Runtime.evaluate", JSON.createObjectNode().put("expression", PAGE_SCRIPT)
                    .put("returnByValue", true));
            if (result.has("exceptionDetails")) {
                throw new IOException("the page check script failed in the browser: " + result.get("exceptionDetails"));
            }
            JsonNode value = result.get("result").get("value");
            // console and load failures first: they say what went wrong, the DOM checks where
            synchronized (tab.events) {
                for (JsonNode event : tab.events) {
                    String problem = problem(event);
                    if (problem != null) {
                        problems.add(problem);
                    }
                }
            }
            value.get("problems").forEach(p -> problems.add(p.asText()));
            List<Path> local = new ArrayList<>();
            for (JsonNode ref : value.get("refs")) {
                String resolved = ref.get("url").asText();
                String where = "<" + ref.get("tag").asText() + " " + ref.get("attr").asText() + "=\""
                        + ref.get("raw").asText() + "\">";
                if (resolved.startsWith("file:")) {
                    Path file = Path.of(URI.create(resolved.replaceFirst("[?#].*$", "")));
                    if (!local.contains(file)) {
                        local.add(file);
                    }
                    if (!Files.exists(file)) {
                        problems.add(where + " refers to " + file + ", which does not exist");
                    }
                } else if (!resolved.equals("data:") && !ref.get("tag").asText().equals("a")) {
                    // a self-contained report loads nothing from elsewhere (and the network may be closed)
                    problems.add(where + " loads " + resolved + ", not part of the report");
                }
            }
            return new PageCheck(page, value.get("images").asInt(), value.get("svgs").asInt(), local.size(), problems);
        } finally {
            httpSend("GET", "/json/close/" + id);
        }
    }

    /** One line for a DevTools event a reader would see as a problem; null for the others. */
    private static String problem(JsonNode event) {
        JsonNode p = event.get("params");
        switch (event.get("method").asText()) {
            case "Runtime.consoleAPICalled": {
                StringBuilder text = new StringBuilder();
                for (JsonNode arg : p.get("args")) {
                    text.append(text.length() == 0 ? "" : " ")
                            .append(arg.has("value") ? arg.get("value").asText() : arg.path("description").asText());
                }
                return "console." + p.get("type").asText() + ": " + tail(text.toString(), 500);
            }
            case "Runtime.exceptionThrown": {
                JsonNode d = p.get("exceptionDetails");
                return "uncaught script error: " + d.path("exception").path("description").asText(d.path("text").asText())
                        + " (line " + (d.path("lineNumber").asInt() + 1) + ")";
            }
            case "Log.entryAdded": {
                JsonNode e = p.get("entry");
                return "console " + e.get("level").asText() + " (" + e.get("source").asText() + "): "
                        + tail(e.get("text").asText(), 500)
                        + (e.hasNonNull("url") ? " [" + tail(e.get("url").asText(), 200) + "]" : "");
            }
            case "Network.loadingFailed":
                return p.path("canceled").asBoolean() ? null
                        : "a load failed: " + p.get("errorText").asText() + " (" + p.path("type").asText() + ")";
            default:
                return null;
        }
    }

    private String httpSend(String method, String path) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(endpoint + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("DevTools " + method + " " + path + ": HTTP " + response.statusCode() + " " + response.body());
        }
        return response.body();
    }

    @Override
    public void close() throws IOException {
        stop(process);
        AtomicFiles.deleteTree(profile);
    }

    /** Ends the browser and every process it started (renderers, GPU and crash handlers). */
    private static void stop(Process process) {
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        children.forEach(ProcessHandle::destroy);
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                children.forEach(ProcessHandle::destroyForcibly);
                process.waitFor(10, TimeUnit.SECONDS);
            }
            for (ProcessHandle child : children) {
                child.onExit().get(10, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            children.forEach(ProcessHandle::destroyForcibly);
        }
    }

    private static String tail(String s, int max) {
        return s.length() <= max ? s : "..." + s.substring(s.length() - max);
    }

    /** One tab's DevTools connection: calls by id, and every event kept in arrival order. */
    private static final class Tab implements WebSocket.Listener, AutoCloseable {
        final List<JsonNode> events = new ArrayList<>();
        final CompletableFuture<Void> loaded = new CompletableFuture<>();
        private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
        private final AtomicInteger ids = new AtomicInteger();
        private final StringBuilder partial = new StringBuilder();
        private final WebSocket socket;

        Tab(HttpClient http, String url) {
            socket = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10))
                    .buildAsync(URI.create(url), this).join();
        }

        JsonNode call(String method, ObjectNode params) throws IOException {
            int id = ids.incrementAndGet();
            CompletableFuture<JsonNode> reply = new CompletableFuture<>();
            pending.put(id, reply);
            ObjectNode message = JSON.createObjectNode().put("id", id).put("method", method);
            message.set("params", params);
            socket.sendText(message.toString(), true).join();
            try {
                JsonNode r = reply.get(LOAD.toMillis(), TimeUnit.MILLISECONDS);
                if (r.has("error")) {
                    throw new IOException("DevTools " + method + ": " + r.get("error"));
                }
                return r.get("result");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted waiting for DevTools " + method, e);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                throw new IOException("no answer from DevTools to " + method, e);
            } finally {
                pending.remove(id);
            }
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                try {
                    JsonNode message = JSON.readTree(text);
                    if (message.has("id")) {
                        CompletableFuture<JsonNode> reply = pending.get(message.get("id").asInt());
                        if (reply != null) {
                            reply.complete(message);
                        }
                    } else if (message.has("method")) {
                        synchronized (events) {
                            events.add(message);
                        }
                        if (message.get("method").asText().equals("Page.loadEventFired")) {
                            loaded.complete(null);
                        }
                    }
                } catch (IOException e) {
                    loaded.completeExceptionally(e);
                }
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public void close() {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "").orTimeout(5, TimeUnit.SECONDS).exceptionally(e -> null).join();
        }
    }
}
