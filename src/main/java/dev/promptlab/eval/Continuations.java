package dev.promptlab.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptlab.adapt.Adapter;
import dev.promptlab.adapt.AdapterFile;
import dev.promptlab.model.LoadedModel;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * One text continued by a model, bare or under each of several adapters in turn (any method; each
 * is loaded, used and closed before the next): what {@code promptlab generate} prints and writes.
 */
public final class Continuations {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Continuations() {}

    /** One continuation: the adapter directory it ran under ({@code null} for the bare model) and what it wrote. */
    public record Continuation(Path adapter, Generation generation) {}

    /**
     * Continues {@code text} (encoded as a sequence of its own, BOS first where the model expects
     * one) under each adapter of {@code adapters} in order, or under none when the list is empty.
     */
    public static List<Continuation> generate(LoadedModel loaded, List<Path> adapters, String text,
            DecodingOptions options) throws IOException {
        int[] context = loaded.tokenizer().encodeAsSequence(text);
        List<Path> runs = adapters.isEmpty() ? Collections.singletonList(null) : adapters;
        List<Continuation> out = new ArrayList<>(runs.size());
        for (Path dir : runs) {
            try (Adapter adapter = dir == null ? null : AdapterFile.load(dir, loaded.model())) {
                Generation g = new Generator(loaded.model(), adapter, loaded.tokenizer(), loaded.tokenizer().eosId())
                        .generate(context, options);
                out.add(new Continuation(dir, g));
            }
        }
        return out;
    }

    /**
     * The JSON {@code generate --json} writes: the prompt, the options, and per continuation its
     * adapter, text, token ids, stop reason and log-probability.
     */
    public static ObjectNode toJson(String text, DecodingOptions options, List<Continuation> continuations) {
        ObjectNode out = JSON.createObjectNode();
        out.put("prompt", text);
        out.set("options", JSON.valueToTree(options));
        ArrayNode results = out.putArray("generations");
        for (Continuation c : continuations) {
            Generation g = c.generation();
            ObjectNode r = results.addObject();
            r.put("adapter", c.adapter() == null ? null : c.adapter().toString());
            r.put("text", g.text());
            ArrayNode ids = r.putArray("ids");
            for (int id : g.ids()) {
                ids.add(id);
            }
            r.put("stop", g.stop().name().toLowerCase(Locale.ROOT));
            r.put("logprob", g.logProb());
        }
        return out;
    }
}
