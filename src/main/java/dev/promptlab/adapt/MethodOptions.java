package dev.promptlab.adapt;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The method options a user gave (flag → raw text; "true" for a flag), read by a {@link
 * TuningMethod} with typed getters whose errors name the option and what is allowed.
 */
public final class MethodOptions {
    private final Map<String, String> given;

    private MethodOptions(Map<String, String> given) {
        this.given = Map.copyOf(given);
    }

    public static MethodOptions of(Map<String, String> given) {
        return new MethodOptions(new LinkedHashMap<>(given));
    }

    public static MethodOptions none() {
        return new MethodOptions(Map.of());
    }

    /** The options given, by name. */
    public Set<String> names() {
        return given.keySet();
    }

    public boolean has(String name) {
        return given.containsKey(name);
    }

    public String text(String name, String fallback) {
        return given.getOrDefault(name, fallback);
    }

    public boolean flag(String name) {
        String v = given.get(name);
        if (v == null) {
            return false;
        }
        if (!v.equals("true") && !v.equals("false")) {
            throw new IllegalArgumentException(name + " is a flag (true or false), got '" + v + "'");
        }
        return Boolean.parseBoolean(v);
    }

    public int integer(String name, int fallback) {
        String v = given.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " takes a whole number, got '" + v + "'");
        }
    }

    public double number(String name, double fallback) {
        String v = given.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            double d = Double.parseDouble(v.trim());
            if (!Double.isFinite(d)) {
                throw new NumberFormatException();
            }
            return d;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " takes a finite number, got '" + v + "'");
        }
    }

    /** A comma-separated list; empty when the option is absent. */
    public List<String> list(String name) {
        String v = given.get(name);
        if (v == null) {
            return List.of();
        }
        return Arrays.stream(v.split(",")).map(String::trim).toList();
    }

    /** Refuses options that {@code method} does not declare. */
    void requireDeclaredBy(TuningMethod method) {
        Set<String> declared = new java.util.HashSet<>();
        method.options().forEach(o -> declared.add(o.name()));
        for (String name : given.keySet()) {
            if (!declared.contains(name)) {
                throw new IllegalArgumentException(name + " does not apply to --method " + method.method()
                        + (declared.isEmpty() ? " (it takes no method options)"
                                : " (its options: " + String.join(", ", declared.stream().sorted().toList()) + ")"));
            }
        }
    }
}
