package dev.promptlab.adapt;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The one place tuning methods are registered (like PEFT's mapping of peft_type to tuner): a
 * method brings its options, its config and (for adapters) its PEFT file format in its own
 * files, and is added here with one line.
 */
public final class Adapters {
    private static final List<TuningMethod> METHODS = List.of(
            new SoftPromptKind(),
            new PrefixKind(),
            new PTuningKind(),
            new LoraKind(),
            new FullTuning());

    private Adapters() {}

    /** Every tuning method, in the order help lists them. */
    public static List<TuningMethod> tuningMethods() {
        return METHODS;
    }

    /** The methods that save PEFT adapter files. */
    public static List<AdapterKind> kinds() {
        return METHODS.stream().filter(m -> m instanceof AdapterKind).map(m -> (AdapterKind) m).toList();
    }

    /** Every method's name, as {@code tune --method} takes it. */
    public static List<String> methods() {
        return METHODS.stream().map(TuningMethod::method).collect(Collectors.toList());
    }

    public static TuningMethod method(String name) {
        return METHODS.stream().filter(m -> m.method().equals(name)).findFirst().orElseThrow(() ->
                new IllegalArgumentException("unknown method '" + name + "' (available: "
                        + String.join(", ", methods()) + ")"));
    }

    /**
     * The validated config of method {@code name} from the options the user gave; an option the
     * method does not take is refused by name.
     */
    public static MethodConfig parse(String name, MethodOptions given) {
        TuningMethod method = method(name);
        given.requireDeclaredBy(method);
        return method.parse(given);
    }

    public static AdapterKind byMethod(String method) {
        return kinds().stream().filter(k -> k.method().equals(method)).findFirst().orElseThrow(() ->
                new IllegalArgumentException("unknown adapter method '" + method + "' (available: "
                        + kinds().stream().map(AdapterKind::method).collect(Collectors.joining(", ")) + ")"));
    }

    public static AdapterKind byPeftType(String peftType, String file) {
        return kinds().stream().filter(k -> k.peftType().equals(peftType)).findFirst().orElseThrow(() ->
                new AdapterException(file + ": peft_type '" + peftType + "' is not supported (supported: "
                        + kinds().stream().map(AdapterKind::peftType).collect(Collectors.joining(", ")) + ")"));
    }

    public static AdapterKind of(Adapter adapter) {
        return kinds().stream().filter(k -> k.handles(adapter)).findFirst().orElseThrow(() ->
                new IllegalArgumentException("no file format registered for adapter " + adapter.method()));
    }
}
