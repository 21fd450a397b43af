package dev.promptlab.adapt;

import java.util.List;
import java.util.stream.Collectors;

/** The one place adapter methods are registered (like PEFT's mapping of peft_type to tuner). */
public final class Adapters {
    private static final List<AdapterKind> KINDS = List.of(new SoftPromptKind(), new PrefixKind(), new PTuningKind(),
            new LoraKind());

    private Adapters() {}

    public static List<AdapterKind> kinds() {
        return KINDS;
    }

    /** Every method {@code tune} offers: the adapter kinds, then full fine-tuning (a model, not an adapter file). */
    public static List<String> methods() {
        List<String> m = KINDS.stream().map(AdapterKind::method).collect(Collectors.toList());
        m.add(WeightSubset.FULL);
        return m;
    }

    public static AdapterKind byMethod(String method) {
        return KINDS.stream().filter(k -> k.method().equals(method)).findFirst().orElseThrow(() ->
                new IllegalArgumentException("unknown method '" + method + "' (available: "
                        + String.join(", ", methods()) + ")"));
    }

    public static AdapterKind byPeftType(String peftType, String file) {
        return KINDS.stream().filter(k -> k.peftType().equals(peftType)).findFirst().orElseThrow(() ->
                new AdapterException(file + ": peft_type '" + peftType + "' is not supported (supported: "
                        + KINDS.stream().map(AdapterKind::peftType).collect(Collectors.joining(", ")) + ")"));
    }

    public static AdapterKind of(Adapter adapter) {
        return KINDS.stream().filter(k -> k.handles(adapter)).findFirst().orElseThrow(() ->
                new IllegalArgumentException("no file format registered for adapter " + adapter.method()));
    }
}
