package dev.promptlab.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;

/**
 * Inputs for the readers' fuzz properties, drawn from jqwik's seeded random source: random bytes,
 * valid files with bytes flipped, cut, duplicated or spliced with troublesome sequences (a BOM, a
 * lone CR, NUL, invalid UTF-8, deep nesting), and valid JSON with one value swapped for another
 * kind of value (a negative or huge number, a string, null, an array, an object).
 */
final class Mutations {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String[] SPLICES = {"\uFEFF", "\r", "\u0000", "\n", "{", "}", "[", "]", "\"", "\\", ",", ":",
            "\\ud800", "\\u0000", "NaN", "-1", "1e999", "99999999999999999999", "[[[[[[[[[[[[[[[[[[[[", "null", "true"};
    private static final byte[][] BAD_BYTES = {{(byte) 0xFF}, {(byte) 0xC3}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
            {(byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80}, {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}};

    private Mutations() {}

    /** Bytes: one of the seeds mutated (most draws), or random bytes. */
    static Arbitrary<byte[]> bytes(List<byte[]> seeds) {
        return Arbitraries.randomValue(r -> mutate(seeds.get(r.nextInt(seeds.size())), r));
    }

    /** JSON text: a seed with values swapped (most draws), or its bytes mutated. */
    static Arbitrary<byte[]> json(List<JsonNode> seeds) {
        return Arbitraries.randomValue(r -> {
            JsonNode seed = seeds.get(r.nextInt(seeds.size()));
            if (r.nextInt(4) == 0) {
                return mutate(seed.toString().getBytes(StandardCharsets.UTF_8), r);
            }
            JsonNode copy = seed.deepCopy();
            for (int k = 1 + r.nextInt(3); k > 0; k--) {
                copy = swapValue(copy, r);
            }
            return copy.toString().getBytes(StandardCharsets.UTF_8);
        });
    }

    static byte[] mutate(byte[] seed, Random r) {
        switch (r.nextInt(6)) {
            case 0: { // random bytes
                byte[] b = new byte[r.nextInt(256)];
                r.nextBytes(b);
                return b;
            }
            case 1: { // flip bytes
                byte[] b = seed.clone();
                for (int k = 1 + r.nextInt(4); k > 0 && b.length > 0; k--) {
                    b[r.nextInt(b.length)] = (byte) r.nextInt(256);
                }
                return b;
            }
            case 2: // cut
                return java.util.Arrays.copyOf(seed, seed.length == 0 ? 0 : r.nextInt(seed.length));
            case 3: { // splice a troublesome sequence in
                byte[] piece = r.nextBoolean() ? SPLICES[r.nextInt(SPLICES.length)].getBytes(StandardCharsets.UTF_8)
                        : BAD_BYTES[r.nextInt(BAD_BYTES.length)];
                int at = seed.length == 0 ? 0 : r.nextInt(seed.length + 1);
                byte[] b = new byte[seed.length + piece.length];
                System.arraycopy(seed, 0, b, 0, at);
                System.arraycopy(piece, 0, b, at, piece.length);
                System.arraycopy(seed, at, b, at + piece.length, seed.length - at);
                return b;
            }
            case 4: { // a slice repeated
                if (seed.length == 0) {
                    return seed;
                }
                int from = r.nextInt(seed.length);
                int to = from + r.nextInt(seed.length - from) + 1;
                byte[] slice = java.util.Arrays.copyOfRange(seed, from, to);
                byte[] b = new byte[seed.length + slice.length];
                System.arraycopy(seed, 0, b, 0, to);
                System.arraycopy(slice, 0, b, to, slice.length);
                System.arraycopy(seed, to, b, to + slice.length, seed.length - to);
                return b;
            }
            default:
                return seed.clone();
        }
    }

    /** {@code node} with one value somewhere inside replaced by a value of another kind. */
    static JsonNode swapValue(JsonNode node, Random r) {
        List<JsonNode> containers = new ArrayList<>();
        collect(node, containers);
        if (containers.isEmpty() || r.nextInt(20) == 0) {
            return randomValue(r, 2);
        }
        JsonNode c = containers.get(r.nextInt(containers.size()));
        if (c instanceof ObjectNode o && o.size() > 0) {
            List<String> keys = new ArrayList<>();
            o.fieldNames().forEachRemaining(keys::add);
            String key = keys.get(r.nextInt(keys.size()));
            switch (r.nextInt(5)) {
                case 0 -> o.remove(key);
                case 1 -> o.set(key + (r.nextBoolean() ? "_" : ""), randomValue(r, 2));
                default -> o.set(key, randomValue(r, 2));
            }
        } else if (c instanceof ArrayNode a && a.size() > 0) {
            int i = r.nextInt(a.size());
            if (r.nextInt(4) == 0) {
                a.remove(i);
            } else {
                a.set(i, randomValue(r, 2));
            }
        }
        return node;
    }

    private static void collect(JsonNode n, List<JsonNode> out) {
        if (n.isContainerNode() && n.size() > 0) {
            out.add(n);
            for (Iterator<JsonNode> it = n.elements(); it.hasNext(); ) {
                collect(it.next(), out);
            }
        }
    }

    static JsonNode randomValue(Random r, int depth) {
        switch (r.nextInt(depth > 0 ? 11 : 9)) {
            case 0: return NODES.numberNode(-1 - r.nextInt(5));
            case 1: return NODES.numberNode(0);
            case 2: return NODES.numberNode(r.nextInt(100));
            case 3: return NODES.numberNode(r.nextBoolean() ? Long.MAX_VALUE : (long) Integer.MAX_VALUE + 1);
            case 4: return NODES.numberNode(r.nextBoolean() ? 1.5 : 1e300);
            case 5: return NODES.textNode(r.nextBoolean() ? "" : "x" + r.nextInt(10));
            case 6: return NODES.nullNode();
            case 7: return NODES.booleanNode(r.nextBoolean());
            case 8: return NODES.textNode(r.nextBoolean() ? "F32" : "LORA");
            case 9: {
                ArrayNode a = NODES.arrayNode();
                for (int i = r.nextInt(4); i > 0; i--) {
                    a.add(randomValue(r, depth - 1));
                }
                return a;
            }
            default: {
                ObjectNode o = NODES.objectNode();
                for (int i = r.nextInt(3); i > 0; i--) {
                    o.set("k" + r.nextInt(3), randomValue(r, depth - 1));
                }
                return o;
            }
        }
    }

    static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The input as text for a failure message (printable, cut). */
    static String show(byte[] input) {
        String s = new String(input, StandardCharsets.UTF_8).replaceAll("[\\p{Cntrl}&&[^\n]]", "?");
        return s.length() > 600 ? s.substring(0, 600) + "..." : s;
    }
}
